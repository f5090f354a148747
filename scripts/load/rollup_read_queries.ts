/**
 * The dashboard's reads, as supabase-js queries on the signed-in user's own client, for the
 * benchmark. Row level security narrows each one to that user's rows, so none of them filters on
 * `user_id`; the generated database types check every table, column and function name.
 *
 * They mirror the paged dashboard (a page of jobs with its count, the stages of exactly those jobs,
 * a range's per-stage figures and per-day trend from the rollups, the all-time summary, the newest
 * events). The dashboard's own copy lives in `apps/dashboard/src/queries.ts` on its branch;
 * `scripts/load/read_bench.ts` imports this one until both are merged, then that one. (Today's
 * `read_queries.ts` stays as the current dashboard imports it.)
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
import type { Database } from "../../supabase/functions/_shared/database.types.ts";

/** A supabase-js client typed by the generated database types, acting as one user. */
export type DashboardClient = SupabaseClient<Database>;

/** Jobs on one page. */
export const PAGE_SIZE = 50;

/** Events shown in the "latest events" list. */
export const LATEST_EVENTS = 50;

/** A bound on the stage rows of one page: 50 jobs of up to 40 stages each. */
export const STAGE_ROWS = PAGE_SIZE * 40;

/** One page of the user's jobs (1-based), newest first, ties by id, with the count of all. */
export function jobsPage(client: DashboardClient, page: number) {
  const from = (page - 1) * PAGE_SIZE;
  return client.from("jobs")
    .select("id, name, status, created_at", { count: "exact" })
    .order("created_at", { ascending: false })
    .order("id")
    .range(from, from + PAGE_SIZE - 1);
}

/** The latest run of each stage of exactly the given jobs, in pipeline order within a job. */
export function stagesOfJobs(client: DashboardClient, jobIds: readonly string[]) {
  return client.from("job_stage_latency")
    .select("job_id, stage, status, attempts, started_at, ended_at, first_started_at, latency_ms")
    .in("job_id", jobIds)
    .order("job_id")
    .order("first_started_at")
    .limit(STAGE_ROWS);
}

/** Per stage, all time: completed, failed and running runs, p50 and p95. */
export function stageSummary(client: DashboardClient) {
  return client.from("stage_latency_summary")
    .select("stage, completed_count, failed_count, running_count, p50_ms, p95_ms")
    .order("stage");
}

/** Per stage, the runs that ended in `[since, until)`: counts, p50 and p95. */
export function stagesInRange(client: DashboardClient, since: Date, until: Date) {
  return client.rpc("stage_latency_in_range", {
    since: since.toISOString(),
    until: until.toISOString(),
  });
}

/** The same figures per UTC day and stage. */
export function stageTrend(client: DashboardClient, since: Date, until: Date) {
  return client.rpc("stage_latency_trend", {
    since: since.toISOString(),
    until: until.toISOString(),
  });
}

/** The user's latest events, newest first, served by the `(user_id, occurred_at)` index. */
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
}

/** A refresh's reads by name, in the order the dashboard makes them. */
export const DASHBOARD_QUERIES = {
  jobs_page: (client: DashboardClient, scope: ReadScope) => jobsPage(client, scope.page),
  job_stages: (client: DashboardClient, scope: ReadScope) => stagesOfJobs(client, scope.jobIds),
  stage_summary: (client: DashboardClient) => stageSummary(client),
  stages_in_range: (client: DashboardClient, scope: ReadScope) =>
    stagesInRange(client, scope.since, scope.until),
  stage_trend: (client: DashboardClient, scope: ReadScope) =>
    stageTrend(client, scope.since, scope.until),
  latest_events: (client: DashboardClient) => latestEvents(client),
} as const;
