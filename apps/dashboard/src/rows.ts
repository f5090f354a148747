/**
 * From the stage rows to the views' shape (model.ts). A view's columns come out of the generated
 * types as nullable; here each gets the one meaning the page uses. The range functions' rows
 * need nothing: their columns are typed as set, and a p50 without completed runs is null.
 *
 * @example
 * ```ts
 * const runs = (stages.data ?? []).map(toStageRun);
 * ```
 */
import type { Database } from "../../../supabase/functions/_shared/database.types.ts";
import type { RunStatus, StageRun } from "./model.ts";

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
