import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { assertPercentile, openDashboard } from "./support/dashboard.ts";
import { completed, sendStageEvents, started } from "./support/stage_events.ts";

browserTest(
  "a completion timestamped before its start is no latency and is not in p50/p95",
  async ({ db, context }) => {
    const user = await db.createUser("nina");
    const [good, skewed] = [await db.createJob(user.id), await db.createJob(user.id)];
    await sendStageEvents(db, user, [
      started(good, "encode", -20_000),
      completed(good, "encode", -18_000),
      // A device clock that went backwards: the completion is 3 s before the start.
      started(skewed, "encode", -10_000),
      completed(skewed, "encode", -13_000),
    ]);

    const page = await openDashboard(context, user.token);
    const row = page.locator(`article.job[data-job-id="${skewed}"] li.stage[data-stage="encode"]`);
    assert.equal(await row.getAttribute("data-latency-ms"), "", "no latency");
    assert.notEqual(await row.getAttribute("data-status"), "completed");
    assert.ok(!(await page.locator("#jobs").textContent())?.includes("-3"), "no negative figure");
    const summary = page.locator('#summary g.summary-row[data-stage="encode"]');
    assert.equal(await summary.getAttribute("data-completed"), "1", "only the good run counts");
    assertPercentile(await summary.getAttribute("data-p50-ms"), 2000, "p50 is the good run's");
  },
);
