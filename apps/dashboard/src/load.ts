/**
 * One refresh of the dashboard: the reads the page shows, made at once on the user's own client,
 * and what their answers mean. Row level security narrows every read to the token's user.
 *
 * @example
 * ```ts
 * const state = await loadDashboard(supabase);
 * if (state.kind === "signed_out") showSignIn();
 * ```
 */
import {
  type DashboardClient,
  jobWaterfalls,
  latestEvents,
  stageSummary,
} from "../../../scripts/load/read_queries.ts";

/** Jobs listed, newest first. */
export const JOBS_SHOWN = 50;

type Rows<F extends (client: DashboardClient) => PromiseLike<{ data: unknown }>> = NonNullable<
  Awaited<ReturnType<F>>["data"]
>;

export interface DashboardData {
  jobs: Rows<typeof userJobs>;
  stages: Rows<typeof jobWaterfalls>;
  summary: Rows<typeof stageSummary>;
  events: Rows<typeof latestEvents>;
}

export type DashboardState =
  | { kind: "ready"; data: DashboardData }
  | { kind: "signed_out" }
  | { kind: "unreachable" }
  | { kind: "failed"; status: number };

/** The user's newest jobs, for their names. */
export function userJobs(client: DashboardClient) {
  return client.from("jobs")
    .select("id, name, status, created_at")
    .order("created_at", { ascending: false })
    .limit(JOBS_SHOWN);
}

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

/** Makes the four reads in parallel and returns the page's next state. */
export async function loadDashboard(client: DashboardClient): Promise<DashboardState> {
  const [jobs, stages, summary, events] = await Promise.all([
    userJobs(client),
    jobWaterfalls(client),
    stageSummary(client),
    latestEvents(client),
  ]);
  const problem = classify([jobs, stages, summary, events]);
  if (problem) return problem;
  return {
    kind: "ready",
    data: {
      jobs: jobs.data ?? [],
      stages: stages.data ?? [],
      summary: summary.data ?? [],
      events: events.data ?? [],
    },
  };
}
