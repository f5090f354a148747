import assert from "node:assert/strict";
import { loadTrackerPage, openTrackerPage, serveAssetsWhileOffline } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, rowsFor, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "offline, tracked events wait in IndexedDB across a reload and are stored once online",
  async (
    { db, context, wire },
  ) => {
    const user = await db.createUser("offline");
    const page = await openTrackerPage(context);
    const tracker = driverOf(page);
    const start = { token: user.token, apiKey: db.env.anonKey, flushAt: 10, flushIntervalMs: 200 };
    await tracker.start(start);

    await serveAssetsWhileOffline(context);
    await context.setOffline(true);
    assert.equal(await tracker.online(), false);
    const ids = await tracker.track(50, { stage: "offline" });
    // IndexedDB writes are asynchronous: reload once they are on disk, not after a guessed delay.
    await waitUntil("50 events in IndexedDB", async () => {
      return (await tracker.storedRecords()) >= 50 ? true : undefined;
    });

    await loadTrackerPage(page); // a reload, still offline: this page's memory is gone
    assert.equal(await tracker.online(), false, "the reloaded page is offline");
    await tracker.start(start);
    assert.deepEqual(await rowsFor(db, ids), [], "nothing reached the server while offline");

    await context.setOffline(false);
    const rows = await waitForRows(db, ids);
    assertStoredOnce(rows, ids, user.id);
    assert.equal(await tracker.flush(), true);
    const acknowledged = await wire.acknowledged(ids);
    assert.deepEqual([...acknowledged.values()].filter((n) => n !== 1), [], "no event sent twice");
  },
);
