import assert from "node:assert/strict";
import { openTrackerPage } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest("two tabs tracking at once lose nothing and store nothing twice", async (
  { db, context, wire },
) => {
  const user = await db.createUser("tabs");
  const job = await db.createJob(user.id);
  const tabs = [
    driverOf(await openTrackerPage(context)),
    driverOf(await openTrackerPage(context)),
  ];
  const start = { token: user.token, apiKey: db.env.anonKey, flushAt: 10, flushIntervalMs: 200 };
  await Promise.all(tabs.map((tab) => tab.start(start)));

  const ids: string[] = [];
  for (let round = 0; round < 5; round++) {
    const tracked = await Promise.all(
      tabs.map((tab, i) => tab.track(20, { job_id: job, stage: `round-${round}`, tab: `${i}` })),
    );
    ids.push(...tracked.flat());
  }
  assertStoredOnce(await waitForRows(db, ids), ids, user.id);

  // Then each tab alone, while the other is idle: whichever one is not the elected sender must
  // still get its events out through the one that is.
  for (const [i, tab] of tabs.entries()) {
    const more = await tab.track(10, { job_id: job, stage: "alone", tab: `${i}` });
    await waitForRows(db, more);
    ids.push(...more);
  }
  assertStoredOnce(await waitForRows(db, ids), ids, user.id);

  const acknowledged = await wire.acknowledged(ids);
  assert.equal(acknowledged.size, ids.length);
  assert.deepEqual(
    [...acknowledged].filter(([, n]) => n !== 1),
    [],
    "each event was sent by one tab, once",
  );
  // A tab that did not send its own events still learns that they were acknowledged.
  assert.deepEqual(await Promise.all(tabs.map((tab) => tab.flush())), [true, true]);
  const stats = await Promise.all(tabs.map((tab) => tab.stats()));
  assert.deepEqual(stats.map((s) => s.queued), [0, 0]);
  assert.equal(stats[0].sent + stats[1].sent, ids.length);
  assert.equal(stats[0].duplicates + stats[1].duplicates, 0);
});
