/**
 * Each job's stages as a waterfall, in pipeline order: one bar per stage for its latest run, from
 * its start to its end on the job's own time axis. A running stage's bar runs to now, hatched; a
 * failed one is red and says how long it ran before failing; a restarted one names its attempt.
 *
 * @example
 * ```ts
 * jobsSection.append(...jobWaterfalls(data.jobs, stagesByJob, new Date()));
 * ```
 */
import { h } from "./dom.ts";
import { shortId } from "./format.ts";
import type { Job, StageRun } from "./model.ts";
import { describeRun } from "./run_text.ts";

const time = (iso: string | null, fallback: number) => (iso ? Date.parse(iso) : fallback);

function stageRow(run: StageRun, from: number, span: number, now: Date): HTMLElement {
  const start = time(run.started_at, now.getTime());
  const end = run.status === "running" ? now.getTime() : time(run.ended_at, start);
  const left = ((start - from) / span) * 100;
  const width = Math.max(((end - start) / span) * 100, 0.5);
  const text = describeRun(run, now);
  // Rounded, so that a bar that moves by a hair does not count as a change of the DOM.
  const style = `left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%`;
  return h(
    "li",
    {
      class: `stage ${run.status}`,
      "data-key": run.stage,
      "data-stage": run.stage,
      "data-status": run.status,
      "data-attempts": run.attempts,
      "data-latency-ms": run.latency_ms ?? "",
    },
    h("span", { class: "stage-name" }, run.stage),
    h("span", { class: "track" }, h("span", { class: "bar", style })),
    h("span", { class: "latency" }, text.label),
    h("span", { class: "detail" }, text.detail),
  );
}

/** One job's card: its name, id and status, and its stages (already in pipeline order). */
export function jobWaterfall(job: Job, stages: readonly StageRun[], now: Date): HTMLElement {
  const points = stages.flatMap((run) => [
    time(run.started_at, NaN),
    run.status === "running" ? now.getTime() : time(run.ended_at, NaN),
  ]).filter((t) => !Number.isNaN(t));
  const from = Math.min(...points);
  const span = Math.max(Math.max(...points) - from, 1);
  return h(
    "article",
    { class: "job", "data-key": job.id, "data-job-id": job.id },
    h("h3", {}, job.name, " ", h("code", {}, shortId(job.id)), " ", h("small", {}, job.status)),
    stages.length
      ? h("ol", { class: "waterfall" }, ...stages.map((run) => stageRow(run, from, span, now)))
      : h("p", { class: "empty" }, "No stages yet."),
  );
}
