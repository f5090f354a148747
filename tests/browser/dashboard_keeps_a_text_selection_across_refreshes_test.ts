import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { createUserWithJobs, openDashboard, refreshesOf, sendStage } from "./support/dashboard.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "text selected on the page stays selected while refreshes bring new data",
  async ({ db, context }) => {
    const alice = await createUserWithJobs(db, "alice");
    const page = await openDashboard(context, alice.user.token, { refresh: "300" });
    const heading = page.locator(`article.job[data-job-id="${alice.jobs[0]}"] h3`);
    const selected = await heading.evaluate((node) => {
      const range = node.ownerDocument.createRange();
      range.selectNodeContents(node);
      const selection = node.ownerDocument.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return selection.toString();
    });
    assert.match(selected, /alice's nightly export/);

    // New data on the same page: another stage of the other job, then two more refreshes.
    await sendStage(db, alice.user, alice.jobs[1], "archive", {
      startMsAgo: 5_000,
      latencyMs: 700,
    });
    const stage = page.locator(
      `article.job[data-job-id="${alice.jobs[1]}"] [data-stage="archive"]`,
    );
    await waitUntil("the new stage", async () => (await stage.count()) > 0 ? true : undefined);
    const seen = await refreshesOf(page);
    await waitUntil(
      "two more refreshes",
      async () => (await refreshesOf(page)) >= seen + 2 ? true : undefined,
    );

    const after = await page.locator("body").evaluate((body) => {
      const selection = body.ownerDocument.getSelection()!;
      return {
        text: selection.toString(),
        ranges: selection.rangeCount,
        connected: selection.anchorNode?.isConnected ?? false,
      };
    });
    assert.deepEqual(
      after,
      { text: selected, ranges: 1, connected: true },
      "the selection is kept",
    );
  },
);
