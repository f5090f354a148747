/**
 * The dashboard's three reads, as supabase-js queries on the signed-in user's own client. Row
 * level security narrows each one to that user's rows, so none of them filters on `user_id`; the
 * generated database types check every table and column name.
 *
 * `scripts/bench-db` measures them through PostgREST with 1M events in the table.
 *
 * @example
 * ```ts
 * const supabase = createClient<Database>(API_URL, ANON_KEY, { accessToken: async () => token });
 * const { data: waterfalls } = await jobWaterfalls(supabase);
 * ```
 *
 * @module
 */
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../../supabase/functions/_shared/database.types.ts";

/** A supabase-js client typed by the generated database types, acting as one user. */
export type DashboardClient = SupabaseClient<Database>;

/** Stage rows shown in the waterfall: 50 jobs of 4 stages. */
export const WATERFALL_ROWS = 200;

/** Events shown in the "latest events" list. */
export const LATEST_EVENTS = 50;

/**
 * The stage waterfall of the user's most recent jobs: one row per job and stage, newest start
 * first; a stage that has completed but whose start was never seen sorts last.
 *
 * @example
 * ```ts
 * const { data } = await jobWaterfalls(supabase);
 * // [{ job_id, stage: "render", started_at, completed_at, latency_ms: 2500 }, ...]
 * ```
 */
export function jobWaterfalls(client: DashboardClient) {
  return client.from("job_stage_latency")
    .select("job_id, stage, started_at, completed_at, latency_ms")
    .order("started_at", { ascending: false, nullsFirst: false })
    .limit(WATERFALL_ROWS);
}

/**
 * The user's completed count, p50 and p95 latency per stage.
 *
 * @example
 * ```ts
 * const { data } = await stageSummary(supabase);
 * // [{ stage: "render", completed_count: 50, p50_ms: 2480, p95_ms: 4730 }, ...]
 * ```
 */
export function stageSummary(client: DashboardClient) {
  return client.from("stage_latency_summary")
    .select("stage, completed_count, p50_ms, p95_ms")
    .order("stage");
}

/**
 * The user's latest events, newest first, served by the `(user_id, occurred_at)` index.
 *
 * @example
 * ```ts
 * const { data } = await latestEvents(supabase);
 * // [{ event: "stage_completed", stage: "render", job_id, occurred_at }, ...]
 * ```
 */
export function latestEvents(client: DashboardClient) {
  return client.from("analytics_events")
    .select("event, stage, job_id, occurred_at")
    .order("occurred_at", { ascending: false })
    .limit(LATEST_EVENTS);
}

/** The three reads by name, in the order the dashboard makes them. */
export const DASHBOARD_QUERIES = {
  job_waterfalls: jobWaterfalls,
  stage_summary: stageSummary,
  latest_events: latestEvents,
} as const;
