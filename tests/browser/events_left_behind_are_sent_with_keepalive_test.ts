import assert from "node:assert/strict";
import { openTrackerPage, pageUrl } from "./support/browser.ts";
import { driverOf, fetchLogOf } from "./support/driver.ts";
import { assertStoredOnce, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "events tracked just before the page is left are sent with keepalive and stored",
  async (
    { db, context },
  ) => {
    const user = await db.createUser("leaving");
    const job = await db.createJob(user.id);
    const page = await openTrackerPage(context);
    const tracker = driverOf(page);
    // Neither the batch size nor the timer can send these 20: only leaving the page does.
    await tracker.start({
      token: user.token,
      apiKey: db.env.anonKey,
      flushAt: 1000,
      flushIntervalMs: 600_000,
    });
    // Becoming the elected sender sends what is queued at once: let that happen first.
    await waitUntil("the tab to be elected sender", async () => {
      return (await tracker.locksHeld()) > 0 ? true : undefined;
    });
    const ids = await tracker.track(20, { job_id: job, stage: "leave" });

    await page.goto(await pageUrl("blank.html")); // same origin, no SDK: the tracker is gone

    const rows = await waitForRows(db, ids);
    assertStoredOnce(rows, ids, user.id);
    const sends = await fetchLogOf(page);
    assert.ok(sends.length > 0, "the tracker page called the function before it went");
    assert.deepEqual(
      sends.filter((send) => !send.keepalive),
      [],
      "every send of the leaving page is a keepalive request",
    );
  },
);
