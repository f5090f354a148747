import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { assertPercentile, openDashboard, refreshesOf, sendStage } from "./support/dashboard.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "a stage latency sent through the function shows up within one refresh",
  async ({ db, context }) => {
    const user = await db.createUser("carol");
    const job = await db.createJob(user.id);
    const page = await openDashboard(context, user.token, { refresh: "300" });
    assert.equal(await page.locator(`article.job[data-job-id="${job}"] li.stage`).count(), 0);

    await sendStage(db, user, job, "encode", { startMsAgo: 10_000, latencyMs: 4_321 });
    // The function answered 201, so the rows are committed: a refresh that starts from now on must
    // show them. One may already be in flight, so the page has at most two more refreshes.
    const sent = await refreshesOf(page);
    const row = page.locator(`article.job[data-job-id="${job}"] li.stage[data-stage="encode"]`);
    const shownAt = await waitUntil(
      "the new stage on the page",
      async () => (await row.count()) > 0 ? await refreshesOf(page) : undefined,
    );
    assert.ok(shownAt <= sent + 2, `shown by refresh ${shownAt}, events stored after ${sent}`);
    assert.equal(await row.getAttribute("data-latency-ms"), "4321");
    assert.equal(await row.locator(".latency").textContent(), "4.32 s");
    const summary = page.locator('#summary g.summary-row[data-stage="encode"]');
    assertPercentile(await summary.getAttribute("data-p50-ms"), 4321, "the chart has its p50");
  },
);
