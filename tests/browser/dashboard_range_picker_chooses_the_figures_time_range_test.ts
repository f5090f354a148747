import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import {
  assertPercentile,
  clickAndWaitForRefresh,
  openDashboard,
  waitForFirstRefresh,
} from "./support/dashboard.ts";
import { completed, sendStageEvents, started } from "./support/stage_events.ts";

const DAY = 86_400_000;

browserTest(
  "a run that ended 10 days ago is in the 30 d figures and trend, not in the 7 d ones",
  async ({ db, context }) => {
    const user = await db.createUser("rita");
    const job = await db.createJob(user.id);
    await sendStageEvents(db, user, [
      started(job, "backfill", -10 * DAY),
      completed(job, "backfill", -10 * DAY + 4_000),
      started(job, "render", -60_000),
      completed(job, "render", -58_000),
    ]);
    const tenDaysAgo = new Date(Date.now() - 10 * DAY + 4_000).toISOString().slice(0, 10);
    const summaryRow = (stage: string) => `#summary g.summary-row[data-stage="${stage}"]`;
    const trendDay = (stage: string) => `#trend g.trend-stage[data-stage="${stage}"] g.trend-day`;

    const page = await openDashboard(context, user.token, { range: "7d" });
    assertPercentile(
      await page.locator(summaryRow("render")).getAttribute("data-p50-ms"),
      2000,
      "the run of a minute ago is in the last 7 d",
    );
    assert.equal(await page.locator(summaryRow("backfill")).count(), 0, "not in the last 7 d");
    assert.equal(await page.locator(trendDay("backfill")).count(), 0, "nor in its trend");
    assert.equal(
      await page.locator('#toolbar button[data-range="7d"]').getAttribute("aria-pressed"),
      "true",
    );

    await clickAndWaitForRefresh(page, '#toolbar button[data-range="30d"]');
    assert.equal(new URL(page.url()).searchParams.get("range"), "30d", "the range is in the URL");
    const backfill = page.locator(summaryRow("backfill"));
    assertPercentile(await backfill.getAttribute("data-p50-ms"), 4000, "in the last 30 d");
    assert.equal(await backfill.getAttribute("data-completed"), "1");
    const day = page.locator(trendDay("backfill"));
    assert.deepEqual(
      await day.evaluateAll((days) => days.map((node) => node.getAttribute("data-day"))),
      [tenDaysAgo],
      "the trend has its day",
    );
    assertPercentile(await day.getAttribute("data-p50-ms"), 4000, "with its p50");

    await page.reload();
    await waitForFirstRefresh(page);
    assert.equal(
      await page.locator('#toolbar button[data-range="30d"]').getAttribute("aria-pressed"),
      "true",
      "a reload keeps the range",
    );
    assert.equal(await page.locator(summaryRow("backfill")).count(), 1);

    await clickAndWaitForRefresh(page, '#toolbar button[data-range="24h"]');
    assert.equal(await page.locator(summaryRow("backfill")).count(), 0, "not in the last 24 h");
    assert.equal(await page.locator(summaryRow("render")).count(), 1);
  },
);
