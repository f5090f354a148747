import assert from "node:assert/strict";
import { toStageRun, toStatus } from "../src/rows.ts";

Deno.test("a stage row's nulls get the page's meaning; an unknown status reads as running", () => {
  assert.equal(toStatus("completed"), "completed");
  assert.equal(toStatus("failed"), "failed");
  assert.equal(toStatus("running"), "running");
  assert.equal(toStatus("paused"), "running", "a status this page does not know is not done");
  assert.equal(toStatus(null), "running");
  const row = {
    job_id: null,
    stage: null,
    status: "failed",
    attempts: null,
    started_at: "2026-12-03T10:00:00Z",
    ended_at: "2026-12-03T10:00:01.2Z",
    first_started_at: "2026-12-03T09:00:00Z",
    latency_ms: 1200,
  };
  assert.deepEqual(toStageRun(row), {
    ...row,
    job_id: "",
    stage: "",
    status: "failed",
    attempts: 0,
  });
});
