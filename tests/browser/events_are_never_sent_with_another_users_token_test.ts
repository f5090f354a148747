import assert from "node:assert/strict";
import { openTrackerPage } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, rowsFor, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest("events tracked for user A are never sent with user B's token after a switch", async (
  { db, context, wire },
) => {
  const alice = await db.createUser("alice");
  const bob = await db.createUser("bob");
  const tracker = driverOf(await openTrackerPage(context));
  await tracker.start({ token: alice.token, apiKey: db.env.anonKey, flushIntervalMs: 200 });

  // Offline, so that alice's events are still queued when bob signs in. They carry no job: if
  // they were sent with bob's token, the server would store them as bob's.
  await context.setOffline(true);
  const aliceIds = await tracker.track(20, { stage: "alice" });
  await tracker.setToken(bob.token);
  const bobIds = await tracker.track(20, { stage: "bob" });
  await context.setOffline(false);

  assertStoredOnce(await waitForRows(db, bobIds), bobIds, bob.id);
  // One more of bob's, tracked and stored after: by then alice's queued events have had every
  // chance to go out with bob's token.
  const later = await tracker.track(1, { stage: "bob" });
  await waitForRows(db, later);
  assert.deepEqual(
    await rowsFor(db, aliceIds),
    [],
    "none of alice's events stored while bob is signed in",
  );

  await tracker.setToken(alice.token); // alice signs back in
  assertStoredOnce(await waitForRows(db, aliceIds), aliceIds, alice.id);
  assertStoredOnce(await rowsFor(db, [...bobIds, ...later]), [...bobIds, ...later], bob.id);

  const aliceSet = new Set(aliceIds);
  for (const request of await wire.requests()) {
    const carriesAlice = request.eventIds.some((id) => aliceSet.has(id));
    if (carriesAlice) {
      assert.equal(request.sub, alice.id, "alice's events go with alice's token only");
    } else assert.equal(request.sub, bob.id);
  }
});
