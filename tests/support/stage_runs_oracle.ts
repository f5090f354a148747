/**
 * The stage semantics of "Stage latency" in docs/REFERENCE.md, computed straight from a set of
 * raw events: the independent oracle that the rollup property test compares the database with.
 *
 * A stage of a job may run several times. The latest run starts at the last `stage_started`; it
 * ends at the first `stage_completed` or `stage_failed` at or after that start (at one instant,
 * failed wins). A (job, stage) with no start has no run.
 *
 * @example
 * ```ts
 * const runs = latestRuns([{ jobId, stage: "load", event: "stage_started", at: 0 }]);
 * runs[0].status; // "running"
 * ```
 */

export type StageEventName = "stage_started" | "stage_completed" | "stage_failed";

export interface StageEvent {
  jobId: string;
  stage: string;
  event: StageEventName;
  /** occurred_at, in epoch milliseconds */
  at: number;
}

export interface StageRun {
  jobId: string;
  stage: string;
  attempts: number;
  firstStartedAt: number;
  startedAt: number;
  endedAt: number | null;
  status: "running" | "completed" | "failed";
  latencyMs: number | null;
}

/** The latest run of every (job, stage) that has a start, sorted by job id, then stage. */
export function latestRuns(events: readonly StageEvent[]): StageRun[] {
  const groups = new Map<string, StageEvent[]>();
  for (const e of events) {
    const key = `${e.jobId}\u0000${e.stage}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const runs: StageRun[] = [];
  for (const group of groups.values()) {
    const starts = group.filter((e) => e.event === "stage_started").map((e) => e.at);
    if (starts.length === 0) continue;
    const startedAt = Math.max(...starts);
    const ends = group.filter((e) => e.event !== "stage_started" && e.at >= startedAt);
    const endedAt = ends.length ? Math.min(...ends.map((e) => e.at)) : null;
    const failed = ends.some((e) => e.at === endedAt && e.event === "stage_failed");
    runs.push({
      jobId: group[0].jobId,
      stage: group[0].stage,
      attempts: starts.length,
      firstStartedAt: Math.min(...starts),
      startedAt,
      endedAt,
      status: endedAt === null ? "running" : failed ? "failed" : "completed",
      latencyMs: endedAt === null ? null : endedAt - startedAt,
    });
  }
  return runs.sort((a, b) =>
    a.jobId < b.jobId
      ? -1
      : a.jobId > b.jobId
      ? 1
      : a.stage < b.stage
      ? -1
      : a.stage > b.stage
      ? 1
      : 0
  );
}

/** The nearest-rank q-quantile (PostgreSQL's percentile_disc) of some values, or null. */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(Math.ceil(q * sorted.length), 1) - 1];
}
