/**
 * The rows the page shows, as its views see them: plain shapes with the nulls of the views'
 * generated types already settled by load.ts, so the views and their tests need no database.
 *
 * @example
 * ```ts
 * const run: StageRun = { job_id, stage: "render", status: "running", attempts: 2, ... };
 * ```
 */

/** The latest run of a stage: running (no end yet), completed or failed. */
export type RunStatus = "running" | "completed" | "failed";

export interface Job {
  id: string;
  name: string;
  status: string;
  created_at: string;
}

/** One (job, stage): its latest run, and the earliest start, which gives the pipeline order. */
export interface StageRun {
  job_id: string;
  stage: string;
  status: RunStatus;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
  first_started_at: string | null;
  /** The latest run's duration once it ended; null while running. Never negative. */
  latency_ms: number | null;
}

/** Completed and failed runs of a stage in a time range, and the completed runs' p50 and p95. */
export interface StageFigures {
  stage: string;
  completed_count: number;
  failed_count: number;
  p50_ms: number | null;
  p95_ms: number | null;
}

/** The same figures for one UTC day (`YYYY-MM-DD`). */
export interface TrendPoint extends StageFigures {
  day: string;
}

export interface LatestEvent {
  event: string;
  stage: string | null;
  job_id: string | null;
  occurred_at: string;
}

/** Everything one refresh shows. */
export interface DashboardData {
  /** The page of jobs shown (1-based), after clamping to the last page. */
  page: number;
  jobs: Job[];
  /** How many jobs the user has in all. */
  totalJobs: number;
  /** The stages of exactly the jobs shown. */
  stages: StageRun[];
  summary: StageFigures[];
  trend: TrendPoint[];
  events: LatestEvent[];
}
