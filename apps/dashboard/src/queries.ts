/**
 * The dashboard's reads, as supabase-js queries on the signed-in user's own client. Row level
 * security narrows each one to that user's rows, so none of them filters on `user_id`; the
 * generated database types check every table, column and function name.
 *
 * Each read is bounded by what the page shows, whatever the user's history: a page of jobs, the
 * stages of exactly those jobs, the per-stage and per-day figures of one range (read from the
 * rollups, O(days × stages)), and the newest events. `scripts/bench-db` times them through
 * PostgREST (`scripts/load/read_bench.ts` imports `DASHBOARD_QUERIES`).
 *
 * @example
 * ```ts
 * const supabase = createClient<Database>(API_URL, ANON_KEY, { accessToken: async () => token });
 * const { data: jobs, count } = await jobsPage(supabase, 1);
 * const { data: stages } = await stagesOfJobs(supabase, jobs!.map((job) => job.id));
 * ```
 *
 * @module
 */
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../../../supabase/functions/_shared/database.types.ts";
import { PAGE_SIZE, pageRows } from "./paging.ts";

/** A supabase-js client typed by the generated database types, acting as one user. */
export type DashboardClient = SupabaseClient<Database>;

/** Events shown in the "latest events" list. */
export const LATEST_EVENTS = 50;

/** A bound on the stage rows of one page: 50 jobs of up to 40 stages each. */
export const STAGE_ROWS = PAGE_SIZE * 40;

/** A bound on the stages of one range's summary. */
export const SUMMARY_STAGES = 200;

/** A bound on the trend's rows: 91 UTC days (90 d touches 91) of up to 50 stages. */
export const TREND_ROWS = 91 * 50;

/**
 * One page of the user's jobs, newest first (ties by id, so pages never overlap).
 *
 * @example
 * ```ts
 * const { data } = await jobsPage(supabase, 2); // jobs 51 to 100
 * ```
 */
export function jobsPage(client: DashboardClient, page: number) {
  const { from, to } = pageRows(page);
  return client.from("jobs")
    .select("id, name, status, created_at")
    .order("created_at", { ascending: false })
    .order("id")
    .range(from, to);
}

/**
 * How many jobs the user has, from the one row the database keeps per user (`job_counts`), so
 * that the total costs the same at 40 jobs or 400,000; no row before the first job.
 *
 * @example
 * ```ts
 * const { data } = await jobCount(supabase); // { jobs: 201 }
 * ```
 */
export function jobCount(client: DashboardClient) {
  return client.from("job_counts").select("jobs").maybeSingle();
}

/**
 * The stages of exactly the given jobs: the latest run of each (job, stage), its status and
 * attempts, and its earliest start, which gives the pipeline order.
 *
 * @example
 * ```ts
 * const { data } = await stagesOfJobs(supabase, [jobId]);
 * // [{ job_id, stage: "render", status: "failed", attempts: 2, latency_ms: 1200, ... }]
 * ```
 */
export function stagesOfJobs(client: DashboardClient, jobIds: readonly string[]) {
  return client.from("job_stage_latency")
    .select("job_id, stage, status, attempts, started_at, ended_at, first_started_at, latency_ms")
    .in("job_id", jobIds)
    .order("job_id")
    .order("first_started_at")
    .limit(STAGE_ROWS);
}

/**
 * Per stage, the runs that ended in `[since, until)`: completed and failed counts, and the
 * completed runs' p50 and p95.
 *
 * @example
 * ```ts
 * const { data } = await stagesInRange(supabase, new Date(Date.now() - 7 * 86400e3), new Date());
 * // [{ stage: "render", completed_count: 50, failed_count: 2, p50_ms: 2480, p95_ms: 4730 }]
 * ```
 */
export function stagesInRange(client: DashboardClient, since: Date, until: Date) {
  return client.rpc("stage_latency_in_range", {
    since: since.toISOString(),
    until: until.toISOString(),
  }).order("stage").limit(SUMMARY_STAGES);
}

/**
 * The same figures per UTC day and stage, for the days from `since` to `until`.
 *
 * @example
 * ```ts
 * const { data } = await stageTrend(supabase, firstDay, new Date());
 * // [{ day: "2026-12-01", stage: "render", completed_count: 7, p50_ms: 2400, ... }]
 * ```
 */
export function stageTrend(client: DashboardClient, since: Date, until: Date) {
  return client.rpc("stage_latency_trend", {
    since: since.toISOString(),
    until: until.toISOString(),
  }).order("day").order("stage").limit(TREND_ROWS);
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

/** What one refresh reads for: the page of jobs, its job ids, and the range's bounds. */
export interface ReadScope {
  page: number;
  jobIds: readonly string[];
  since: Date;
  until: Date;
  /** The start of the range's first UTC day, where the trend begins. */
  firstDay: Date;
}

/** A refresh's reads by name, in the order the dashboard makes them (for the benchmark). */
export const DASHBOARD_QUERIES = {
  jobs_page: (client: DashboardClient, scope: ReadScope) => jobsPage(client, scope.page),
  job_count: (client: DashboardClient) => jobCount(client),
  job_stages: (client: DashboardClient, scope: ReadScope) => stagesOfJobs(client, scope.jobIds),
  stages_in_range: (client: DashboardClient, scope: ReadScope) =>
    stagesInRange(client, scope.since, scope.until),
  stage_trend: (client: DashboardClient, scope: ReadScope) =>
    stageTrend(client, scope.firstDay, scope.until),
  latest_events: (client: DashboardClient) => latestEvents(client),
} as const;
