/**
 * Regenerates docs/dashboard.png: a fresh user with a week of jobs (four stages each, some
 * failures, one stage restarted and running again), their events sent through the function, and
 * the dashboard as that user sees it over the last 7 days. Run through
 * `scripts/screenshot-dashboard`, which builds the page first.
 *
 * @module
 */
import { withFixtures } from "../../tests/support/fixtures.ts";
import { newTestContext, withBrowser } from "../../tests/browser/support/browser.ts";
import { openDashboard } from "../../tests/browser/support/dashboard.ts";
import {
  completed,
  failed,
  sendStageEvents,
  type StageEvent,
  started,
} from "../../tests/browser/support/stage_events.ts";

const output = new URL("../../docs/dashboard.png", import.meta.url).pathname;
const STAGES = [
  ["fetch", 1_200],
  ["transcode", 5_800],
  ["render", 9_500],
  ["publish", 2_400],
] as const;

/** The same picture every time: a small deterministic spread around each stage's typical time. */
function spread(job: number, place: number): number {
  return 0.7 + ((job * 7 + place * 13) % 10) / 12;
}

await withFixtures((db) =>
  withBrowser(async (browser) => {
    const user = await db.createUser("alice");
    const jobs = 14;
    const rows = await db.sql`
      insert into public.jobs (user_id, name, status, created_at)
      select ${user.id}, 'nightly export #' || (${jobs} - i), 'done', now() - make_interval(hours => i * 12 + 1)
      from generate_series(0, ${jobs - 1}) as i
      returning id, created_at`;
    const events: StageEvent[] = [];
    rows.forEach((job, index) => {
      let at = Date.parse(job.created_at) - Date.now() + 60_000;
      // The newest job has not got past its transcode yet.
      const stages = index === 0 ? STAGES.slice(0, 2) : STAGES;
      stages.forEach(([stage, typical], place) => {
        const ms = Math.round(typical * spread(index, place));
        events.push(started(job.id, stage, at));
        // One render in five fails; the newest job's transcode failed once and is running again.
        if (index === 0 && stage === "transcode") {
          events.push(failed(job.id, stage, at + 2_100), started(job.id, stage, -40_000));
        } else if (index % 5 === 3 && stage === "render") {
          events.push(failed(job.id, stage, at + 1_300));
        } else {
          events.push(completed(job.id, stage, at + ms));
        }
        at += ms + 500;
      });
    });
    await db.sql`update public.jobs set status = 'running' where id = ${rows[0].id}`;
    await sendStageEvents(db, user, events);
    const context = await newTestContext(browser);
    const page = await openDashboard(context, user.token, { range: "7d" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: output });
    await context.close();
  })
);
console.log(`wrote ${output}`);
