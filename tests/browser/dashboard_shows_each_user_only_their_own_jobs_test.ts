import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import {
  createUserWithJobs,
  openDashboard,
  saveScreenshot,
  shownJobIds,
} from "./support/dashboard.ts";

browserTest(
  "the dashboard shows alice her jobs and stages and none of bob's, and bob only his",
  async ({ db, context }) => {
    const alice = await createUserWithJobs(db, "alice");
    const bob = await createUserWithJobs(db, "bob", ["download", "analyse"]);

    const page = await openDashboard(context, alice.user.token);
    const shown = await shownJobIds(page);
    for (const job of alice.jobs) assert.ok(shown.has(job), `alice sees her job ${job}`);
    for (const job of bob.jobs) assert.ok(!shown.has(job), `alice does not see bob's job ${job}`);
    assert.deepEqual(shown, new Set(alice.jobs), "the page shows only alice's jobs");
    const firstJob = page.locator(`article.job[data-job-id="${alice.jobs[0]}"]`);
    assert.deepEqual(
      await firstJob.locator("li.stage").evaluateAll((rows) =>
        rows.map((r) => r.getAttribute("data-stage"))
      ),
      ["fetch", "transcode", "render", "publish"],
      "her first job's waterfall lists its stages in order",
    );
    assert.equal(
      await firstJob.locator('li.stage[data-stage="transcode"]').getAttribute("data-latency-ms"),
      "5500",
      "with each stage's latency",
    );
    const open = page.locator(`article.job[data-job-id="${alice.jobs[1]}"] li.stage.running`);
    assert.equal(await open.getAttribute("data-stage"), "transcode", "the open stage is running");
    assert.equal(await open.locator(".latency").textContent(), "running");
    assert.deepEqual(
      await page.locator("#summary g.summary-row").evaluateAll((g) =>
        g.map((n) => n.getAttribute("data-stage"))
      ),
      ["fetch", "transcode", "render", "publish"],
      "the chart has a row per completed stage, in pipeline order",
    );
    assert.ok(!(await page.content()).includes("bob's"), "no name of bob's jobs on alice's page");
    await saveScreenshot(page, "dashboard-alice");
    await page.close();

    const bobPage = await openDashboard(await context.browser()!.newContext(), bob.user.token);
    assert.deepEqual(await shownJobIds(bobPage), new Set(bob.jobs), "bob sees only his jobs");
    assert.ok(
      !(await bobPage.content()).includes("alice's"),
      "no name of alice's jobs on bob's page",
    );
    await bobPage.context().close();
  },
);
