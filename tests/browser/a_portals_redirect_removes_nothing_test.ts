import assert from "node:assert/strict";
import { openTrackerPage, pageUrl } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, countFor, rowsFor, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "a captive portal's redirect to its sign-in page removes nothing, and is reported",
  async (
    { db, context },
  ) => {
    const user = await db.createUser("portal");
    // A captive portal (or an SSO proxy) answers the function's URL with a 302 to its own HTML
    // page, which answers 200. Followed, that 200 would pass for an acknowledgement.
    const portal = await pageUrl("blank.html");
    let redirected = 0;
    await context.route("**/functions/v1/track-event", (route) => {
      redirected++;
      return route.fulfill({ status: 302, headers: { location: portal } });
    });
    const tracker = driverOf(await openTrackerPage(context));
    await tracker.start({ token: user.token, apiKey: db.env.anonKey, flushIntervalMs: 100 });
    const ids = await tracker.track(20, { stage: "behind-the-portal" });
    // Two answers from the portal, or (as an older SDK did) an emptied queue.
    await waitUntil(
      "two answers from the portal",
      async () => redirected >= 2 || (await tracker.stats()).queued === 0 || undefined,
    );

    const stats = await tracker.stats();
    assert.deepEqual(
      { queued: stats.queued, sent: stats.sent },
      { queued: 20, sent: 0 },
      "the portal's page was taken for an acknowledgement",
    );
    const reports = await tracker.reports();
    assert.ok(reports.length >= 1, "the redirect was reported");
    assert.ok(reports.every((r) => r.code === "unexpected_response"), JSON.stringify(reports));
    assert.deepEqual(await rowsFor(db, ids), []);

    // The user signs in to the Wi-Fi: the same events go through, once each.
    await context.unroute("**/functions/v1/track-event");
    assertStoredOnce(await waitForRows(db, ids), ids, user.id);
    assert.equal(await tracker.flush(), true);
    assert.deepEqual(await tracker.stats(), { queued: 0, sent: 20, duplicates: 0, dropped: 0 });
    assert.equal(await countFor(db, user.id), 20);
  },
);
