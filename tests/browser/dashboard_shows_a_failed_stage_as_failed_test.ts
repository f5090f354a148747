import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { openDashboard } from "./support/dashboard.ts";
import { completed, failed, sendStageEvents, started } from "./support/stage_events.ts";

browserTest(
  "a stage_failed run shows failed after its duration, and counts as failed, not completed",
  async ({ db, context }) => {
    const user = await db.createUser("fiona");
    const job = await db.createJob(user.id);
    await sendStageEvents(db, user, [
      started(job, "upload", -30_000),
      completed(job, "upload", -29_000),
      started(job, "transcode", -28_000),
      failed(job, "transcode", -26_800),
    ]);

    const page = await openDashboard(context, user.token);
    const row = page.locator(`article.job[data-job-id="${job}"] li.stage[data-stage="transcode"]`);
    assert.equal(await row.locator(".latency").textContent(), "failed");
    assert.equal(await row.getAttribute("data-status"), "failed");
    assert.match(await row.locator(".detail").textContent() ?? "", /^failed after 1\.2 s · /);
    const summary = page.locator('#summary g.summary-row[data-stage="transcode"]');
    assert.equal(await summary.getAttribute("data-failed"), "1", "counted as failed");
    assert.equal(await summary.getAttribute("data-completed"), "0", "not as completed");
    assert.equal(await summary.getAttribute("data-p50-ms"), "", "and not in the percentiles");
    assert.match(await summary.textContent() ?? "", /0 completed · 1 failed/);
  },
);
