import assert from "node:assert/strict";
import { openTrackerPage } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest("online, 100 tracked events are each stored once, with their job and stage", async (
  { db, context, wire },
) => {
  const user = await db.createUser("online");
  const job = await db.createJob(user.id);
  const tracker = driverOf(await openTrackerPage(context));
  await tracker.start({ token: user.token, apiKey: db.env.anonKey, flushIntervalMs: 200 });

  const ids = await tracker.track(100, { job_id: job, stage: "render" });
  assert.equal(new Set(ids).size, 100, "track() returns a distinct event_id per event");

  const rows = await waitForRows(db, ids);
  assertStoredOnce(rows, ids, user.id);
  assert.ok(rows.every((row) => row.job_id === job), "every row keeps its job");

  assert.equal(await tracker.flush(), true, "flush() resolves once all is acknowledged");
  const stats = await tracker.stats();
  assert.deepEqual(stats, { queued: 0, sent: 100, duplicates: 0, dropped: 0 });
  const acknowledged = await wire.acknowledged(ids);
  assert.deepEqual([...acknowledged.values()].filter((n) => n !== 1), [], "no event sent twice");
  assert.equal(acknowledged.size, 100);
});
