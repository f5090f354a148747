import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { clickAndWaitForRefresh, openDashboard, waitForFirstRefresh } from "./support/dashboard.ts";
import { completed, createJobs, sendStageEvents, started } from "./support/stage_events.ts";
import type { Page } from "playwright-core";

const STAGES = ["fetch", "parse", "transform", "render", "publish"];

/** Job n (1 = newest) runs each stage for n * 10 + its place ms, so each row says whose it is. */
const latencyOf = (n: number, place: number) => n * 10 + place;

async function shownJobs(page: Page) {
  return await page.locator("article.job").evaluateAll((articles) =>
    articles.map((article) => ({
      id: article.getAttribute("data-job-id"),
      stages: [...article.querySelectorAll("li.stage")].map((li) => li.getAttribute("data-stage")),
      latencies: [...article.querySelectorAll("li.stage")].map((li) =>
        // Whole ms: the view's double may carry a rounding error (1000.9999999999999).
        Math.round(Number(li.getAttribute("data-latency-ms")))
      ),
      empty: article.querySelector(".empty") !== null,
    }))
  );
}

async function assertPage(page: Page, jobs: string[], first: number, label: string) {
  const shown = await shownJobs(page);
  shown.forEach((job, index) => {
    const n = first + index;
    assert.equal(job.empty, false, `job ${n} does not say "No stages yet"`);
    assert.deepEqual(job.stages, STAGES, `job ${n} shows its 5 stages in pipeline order`);
    assert.deepEqual(
      job.latencies,
      STAGES.map((_, place) => latencyOf(n, place)),
      `job ${n}'s own`,
    );
  });
  const expected = jobs.slice(first - 1, first - 1 + 50);
  assert.deepEqual(shown.map((job) => job.id), expected, `${label}: the right jobs, newest first`);
  assert.equal(await page.locator("#jobs .page-label").textContent(), label);
}

browserTest(
  "201 jobs: 50 of 201 per page, next and previous, each job with its own stages",
  async ({ db, context }) => {
    const user = await db.createUser("paula");
    const jobs = await createJobs(db, user.id, 201, "export");
    const events = jobs.flatMap((job, index) =>
      STAGES.flatMap((stage, place) => {
        // Stages run in pipeline order, which is not alphabetical.
        const start = -600_000 + place * 1_000;
        return [
          started(job, stage, start),
          completed(job, stage, start + latencyOf(index + 1, place)),
        ];
      })
    );
    await sendStageEvents(db, user, events);

    const page = await openDashboard(context, user.token);
    await assertPage(page, jobs, 1, "1–50 of 201");
    assert.ok(await page.locator('#jobs button[rel="prev"]').isDisabled(), "no page before 1");

    await clickAndWaitForRefresh(page, '#jobs button[rel="next"]');
    await assertPage(page, jobs, 51, "51–100 of 201");
    assert.equal(new URL(page.url()).searchParams.get("page"), "2", "the page is in the URL");

    await page.reload();
    await waitForFirstRefresh(page);
    await assertPage(page, jobs, 51, "51–100 of 201");

    await clickAndWaitForRefresh(page, '#jobs button[rel="prev"]');
    await assertPage(page, jobs, 1, "1–50 of 201");

    // The last page, and a page past it (a stale link), which shows the last page.
    for (const asked of ["5", "9"]) {
      await page.goto(page.url().replace(/\?.*/, `?page=${asked}`));
      await waitForFirstRefresh(page);
      assert.equal(await page.locator("#jobs .page-label").textContent(), "201 of 201", asked);
      assert.deepEqual((await shownJobs(page)).map((job) => job.id), [jobs[200]], "the oldest");
      assert.ok(await page.locator('#jobs button[rel="next"]').isDisabled(), "no page after 5");
    }
  },
);
