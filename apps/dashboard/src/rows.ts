/**
 * From the reads' rows to the views' shapes (model.ts). Columns of views and functions come out
 * of the generated types as nullable; here each gets the one meaning the page uses.
 *
 * @example
 * ```ts
 * const runs = (stages.data ?? []).map(toStageRun);
 * ```
 */
import type { Database } from "../../../supabase/functions/_shared/database.types.ts";
import type { RunStatus, StageFigures, StageRun, TrendPoint } from "./model.ts";

type Public = Database["public"];
type LatencyRow = Pick<
  Public["Views"]["job_stage_latency"]["Row"],
  | "job_id"
  | "stage"
  | "status"
  | "attempts"
  | "started_at"
  | "ended_at"
  | "first_started_at"
  | "latency_ms"
>;
type FiguresRow = Public["Functions"]["stage_latency_in_range"]["Returns"][number];
type TrendRow = Public["Functions"]["stage_latency_trend"]["Returns"][number];

/** A run's status; anything else (a newer status this page does not know) reads as running. */
export function toStatus(status: string | null): RunStatus {
  return status === "completed" || status === "failed" ? status : "running";
}

export function toStageRun(row: LatencyRow): StageRun {
  return {
    ...row,
    job_id: row.job_id ?? "",
    stage: row.stage ?? "",
    status: toStatus(row.status),
    attempts: row.attempts ?? 0,
  };
}

export function toStageFigures(row: FiguresRow): StageFigures {
  return {
    stage: row.stage ?? "",
    completed_count: Number(row.completed_count ?? 0),
    failed_count: Number(row.failed_count ?? 0),
    p50_ms: row.p50_ms ?? null,
    p95_ms: row.p95_ms ?? null,
  };
}

export function toTrendPoint(row: TrendRow): TrendPoint {
  return { ...toStageFigures(row), day: String(row.day).slice(0, 10) };
}
