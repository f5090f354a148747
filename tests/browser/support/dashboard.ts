/**
 * The dashboard in the browser tests: fresh users with jobs whose stage events arrive through the
 * function, and the page opened and signed in with a pasted token, as a developer does locally.
 *
 * @example
 * ```ts
 * const alice = await createUserWithJobs(db, "alice", ["ingest", "render"]);
 * const page = await openDashboard(context, alice.user.token, { refresh: "500" });
 * ```
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import type { Fixtures, TestUser } from "../../support/fixtures.ts";
import { postEvents } from "../../support/track_event.ts";
import { loadStackEnv } from "../../support/stack_env.ts";
import { waitUntil } from "./wait.ts";

export interface UserWithJobs {
  user: TestUser;
  jobs: string[];
}

/** `stage_started`, and `stage_completed` unless `open`, for one stage of a job, via the function. */
export async function sendStage(
  db: Fixtures,
  user: TestUser,
  job: string,
  stage: string,
  timing: { startMsAgo: number; latencyMs: number; open?: boolean },
): Promise<void> {
  const start = Date.now() - timing.startMsAgo;
  const at = (ms: number) => new Date(ms).toISOString();
  const events = [{ event: "stage_started", job_id: job, stage, occurred_at: at(start) }];
  if (!timing.open) {
    events.push({
      event: "stage_completed",
      job_id: job,
      stage,
      occurred_at: at(start + timing.latencyMs),
    });
  }
  const response = await postEvents(db.env, user.token, { events });
  assert.equal(
    response.status,
    201,
    `the function stored ${stage}: ${JSON.stringify(response.body)}`,
  );
}

/**
 * A fresh user with two named jobs: the first runs `stages` one after another, all complete;
 * the second has finished its first stage and is still in its second (an open stage).
 */
export async function createUserWithJobs(
  db: Fixtures,
  name: string,
  stages = ["fetch", "transcode", "render", "publish"],
): Promise<UserWithJobs> {
  const user = await db.createUser(name);
  const jobs = [await db.createJob(user.id), await db.createJob(user.id)];
  await db.sql`update public.jobs set name = ${`${name}'s nightly export`} where id = ${jobs[0]}`;
  await db.sql`update public.jobs set name = ${`${name}'s video upload`} where id = ${jobs[1]}`;
  let offset = 120_000;
  for (const [i, stage] of stages.entries()) {
    const latencyMs = 2_000 + i * 3_500;
    await sendStage(db, user, jobs[0], stage, { startMsAgo: offset, latencyMs });
    offset -= latencyMs + 1_000;
  }
  await sendStage(db, user, jobs[1], stages[0], { startMsAgo: 40_000, latencyMs: 6_000 });
  await sendStage(db, user, jobs[1], stages[1], { startMsAgo: 30_000, latencyMs: 0, open: true });
  return { user, jobs };
}

/** The dashboard's URL on the local stack, with query parameters. */
export async function dashboardUrl(params: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams(params).toString();
  return `${(await loadStackEnv()).apiUrl}/dashboard/${query ? `?${query}` : ""}`;
}

/**
 * Checks a percentile the page shows (an attribute's text) against the exact value: the range's
 * p50 and p95 come from log-bucket histograms, exact to within 1% (docs/REFERENCE.md, "Stage latency").
 */
export function assertPercentile(shown: string | null, exact: number, message: string): void {
  const value = Number(shown);
  assert.ok(
    shown !== null && shown !== "" && Math.abs(value - exact) <= exact * 0.01,
    `${message}: ${shown} is not within 1% of ${exact}`,
  );
}

/** Finished refreshes, as the page counts them in `body[data-refreshes]`. */
export async function refreshesOf(page: Page): Promise<number> {
  return Number(await page.locator("body").getAttribute("data-refreshes") ?? 0);
}

/** Waits for a freshly loaded page's first finished refresh. */
export async function waitForFirstRefresh(page: Page): Promise<void> {
  await waitUntil(
    "the dashboard's first refresh",
    async () => (await refreshesOf(page)) >= 1 ? true : undefined,
  );
}

/** Opens the dashboard in a new tab and waits for its first refresh (the sign-in prompt). */
export async function openDashboardPage(
  context: BrowserContext,
  params: Record<string, string> = {},
): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(await dashboardUrl(params));
  assert.ok(
    response?.ok(),
    `the dashboard is served (build it: cd apps/dashboard && deno task build)`,
  );
  await waitForFirstRefresh(page);
  return page;
}

/** Opens the dashboard, pastes `token` into its sign-in form and waits for the next refresh. */
export async function openDashboard(
  context: BrowserContext,
  token: string,
  params: Record<string, string> = {},
): Promise<Page> {
  const page = await openDashboardPage(context, params);
  const before = await refreshesOf(page);
  await page.locator("#token").fill(token);
  await page.locator("#token-sign-in button").click();
  await waitUntil(
    "a refresh after signing in",
    async () => (await refreshesOf(page)) > before ? true : undefined,
  );
  return page;
}

/**
 * Clicks `selector` and waits for a refresh that started after the click: the click's handler
 * starts its refresh at once, and drops any answer to a refresh started before it.
 */
export async function clickAndWaitForRefresh(page: Page, selector: string): Promise<void> {
  await page.locator(selector).click();
  const before = await refreshesOf(page);
  await waitUntil(
    `a refresh after clicking ${selector}`,
    async () => (await refreshesOf(page)) > before ? true : undefined,
  );
}

/** The job ids the page shows, in its waterfalls and in its events table. */
export async function shownJobIds(page: Page): Promise<Set<string>> {
  const ids = await page.locator("[data-job-id]").evaluateAll((nodes) =>
    nodes.map((node) => node.getAttribute("data-job-id") ?? "")
  );
  return new Set(ids.filter(Boolean));
}

/** Saves a full-page screenshot under .stack/screenshots/ for a person to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = new URL("../../../.stack/screenshots/", import.meta.url).pathname;
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
