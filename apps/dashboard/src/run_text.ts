/**
 * What a stage's latest run says on screen: a short label for the latency column and a detail
 * line. A failed run reads as failed, with the time it took to fail; a restarted stage names its
 * attempt, so a rerun that is still going never reads as done.
 *
 * @example
 * ```ts
 * describeRun({ status: "failed", attempts: 1, latency_ms: 1200, ... }, now);
 * // { label: "failed", detail: "failed after 1.2 s · 14:03:07 → 14:03:08" }
 * describeRun({ status: "running", attempts: 3, ... }, now);
 * // { label: "running", detail: "attempt 3, running · started 5 s ago" }
 * ```
 */
import { formatAge, formatClock, formatMs } from "./format.ts";
import type { StageRun } from "./model.ts";

export interface RunText {
  label: string;
  detail: string;
}

type Run = Pick<StageRun, "status" | "attempts" | "latency_ms" | "started_at" | "ended_at">;

/** The latency column's label and the detail line of a stage's latest run. */
export function describeRun(run: Run, now: Date): RunText {
  const attempt = run.attempts > 1 ? `attempt ${run.attempts}` : "";
  const span = `${formatClock(run.started_at)} → ${formatClock(run.ended_at)}`;
  if (run.status === "running") {
    const started = run.started_at ? ` · started ${formatAge(new Date(run.started_at), now)}` : "";
    return { label: "running", detail: `${attempt ? `${attempt}, ` : ""}running${started}` };
  }
  if (run.status === "failed") {
    const after = run.latency_ms === null ? "" : ` after ${formatMs(run.latency_ms)}`;
    const what = `${attempt ? `${attempt} ` : ""}failed${after}`;
    return { label: "failed", detail: `${what} · ${span}` };
  }
  return { label: formatMs(run.latency_ms), detail: attempt ? `${span} · ${attempt}` : span };
}
