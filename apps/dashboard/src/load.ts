/**
 * One refresh of the dashboard: the reads the page shows, on the user's own client, and what
 * their answers mean. Row level security narrows every read to the token's user. The page of
 * jobs, their count, the range's figures and the latest events are read at once; then the stages
 * of exactly the jobs on the page.
 *
 * @example
 * ```ts
 * const state = await loadDashboard(supabase, { range: "7d", page: 1 });
 * if (state.kind === "signed_out") showSignIn();
 * ```
 */
import type { DashboardData } from "./model.ts";
import { pageCount } from "./paging.ts";
import {
  type DashboardClient,
  jobCount,
  jobsPage,
  latestEvents,
  stagesInRange,
  stagesOfJobs,
  stageTrend,
} from "./queries.ts";
import { toStageRun } from "./rows.ts";
import { rangeBounds, type ViewState } from "./view_state.ts";

export type DashboardState =
  | { kind: "ready"; data: DashboardData }
  | { kind: "signed_out" }
  | { kind: "unreachable" }
  | { kind: "failed"; status: number };

interface Answer {
  status: number;
  error: unknown;
}

/** What a set of answers means: the worst one decides. */
export function classify(answers: Answer[]): Exclude<DashboardState, { kind: "ready" }> | null {
  // postgrest-js reports a request that never got an answer (refused, DNS, CORS) as status 0.
  if (answers.some((a) => a.error && a.status === 0)) return { kind: "unreachable" };
  if (answers.some((a) => a.status === 401)) return { kind: "signed_out" };
  const failed = answers.find((a) => a.error);
  return failed ? { kind: "failed", status: failed.status } : null;
}

/** Makes the reads for `view` and returns the page's next state. */
export async function loadDashboard(
  client: DashboardClient,
  view: ViewState,
  now = new Date(),
): Promise<DashboardState> {
  const { since, until, firstDay } = rangeBounds(view.range, now);
  const [asked, count, summary, trend, events] = await Promise.all([
    jobsPage(client, view.page),
    jobCount(client),
    stagesInRange(client, since, until),
    stageTrend(client, firstDay, until),
    latestEvents(client),
  ]);
  const totalJobs = count.data?.jobs ?? 0;
  let jobs = asked;
  let page = view.page;
  // Past the last page (jobs were deleted, or a stale link): the last page is shown instead.
  // PostgREST answers such a range with no rows (or 416 where it knows the count).
  const lastPage = pageCount(totalJobs);
  if (page > lastPage && (jobs.status === 416 || (!jobs.error && !jobs.data?.length))) {
    page = lastPage;
    jobs = await jobsPage(client, page);
  }
  const ids = (jobs.data ?? []).map((job) => job.id);
  const stages = ids.length
    ? await stagesOfJobs(client, ids)
    : { data: [], error: null, status: 200 };
  const problem = classify([jobs, count, summary, trend, events, stages]);
  if (problem) return problem;
  return {
    kind: "ready",
    data: {
      page,
      jobs: jobs.data ?? [],
      totalJobs,
      stages: (stages.data ?? []).map(toStageRun),
      summary: summary.data ?? [],
      trend: trend.data ?? [],
      events: events.data ?? [],
    },
  };
}
