import assert from "node:assert/strict";
import type { StageRun } from "../src/model.ts";
import {
  averagePlaces,
  inPipelineOrder,
  jobStagesInOrder,
  stageNamesInOrder,
} from "../src/pipeline_order.ts";

const at = (second: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, second)).toISOString();

function run(stage: string, firstSecond: number | null, latestSecond = firstSecond): StageRun {
  return {
    job_id: "job",
    stage,
    status: "completed",
    attempts: 1,
    first_started_at: firstSecond === null ? null : at(firstSecond),
    started_at: latestSecond === null ? null : at(latestSecond),
    ended_at: null,
    latency_ms: null,
  };
}

const names = (runs: { stage: string }[]) => runs.map((r) => r.stage);

Deno.test("within a job, stages sort by their first start, not by name or by their rerun", () => {
  // "fetch" was restarted last, but it ran first: it keeps its place.
  const ordered = jobStagesInOrder([
    run("upload", 30),
    run("fetch", 0, 50),
    run("render", 10),
  ]);
  assert.deepEqual(names(ordered), ["fetch", "render", "upload"]);
});

Deno.test("stages started at the same instant, or never seen starting, sort by name, last", () => {
  assert.deepEqual(
    names(jobStagesInOrder([run("b", null), run("z", 5), run("a", 5), run("c", null)])),
    ["a", "z", "b", "c"],
  );
});

Deno.test("across jobs, a stage's place is its average place in the jobs shown", () => {
  const jobs = [
    [run("fetch", 0), run("encode", 1), run("publish", 2)],
    [run("fetch", 0), run("publish", 1)],
    [run("encode", 0), run("fetch", 1)],
  ];
  assert.deepEqual(
    Object.fromEntries(averagePlaces(jobs)),
    { fetch: 1 / 3, encode: 0.5, publish: 1.5 },
  );
  const summary = [{ stage: "publish" }, { stage: "archive" }, { stage: "encode" }, {
    stage: "fetch",
  }, { stage: "aardvark" }];
  // Stages no shown job has come last, alphabetically.
  assert.deepEqual(names(inPipelineOrder(summary, jobs)), [
    "fetch",
    "encode",
    "publish",
    "aardvark",
    "archive",
  ]);
});

Deno.test("equal average places sort alphabetically; the trend names each stage once", () => {
  const jobs = [[run("b", 0), run("a", 1)], [run("a", 0), run("b", 1)]];
  assert.deepEqual(names(inPipelineOrder([{ stage: "b" }, { stage: "a" }], jobs)), ["a", "b"]);
  const trend = [{ stage: "b" }, { stage: "c" }, { stage: "b" }, { stage: "a" }];
  assert.deepEqual(stageNamesInOrder(trend, [[run("c", 0), run("b", 1)]]), ["c", "b", "a"]);
});
