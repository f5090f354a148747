import assert from "node:assert/strict";
import { loadTrackerPage, openTrackerPage, pageUrl } from "./support/browser.ts";
import { driverOf, fetchLogOf } from "./support/driver.ts";
import { assertStoredOnce, rowsFor, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest("events tracked for user A are never sent with user B's token after a switch", async (
  { db, context, wire },
) => {
  const alice = await db.createUser("alice");
  const bob = await db.createUser("bob");
  const page = await openTrackerPage(context);
  const tracker = driverOf(page);
  const options = { apiKey: db.env.anonKey, flushIntervalMs: 200 };
  await tracker.start({ ...options, token: alice.token });

  // Offline, so that alice's events are still queued when bob signs in. They carry no job: sent
  // with bob's token, they would be stored as bob's.
  await context.setOffline(true);
  const aliceIds = await tracker.track(20, { stage: "alice" });
  await tracker.setToken(bob.token);
  const bobIds = await tracker.track(20, { stage: "bob" });
  await context.setOffline(false);
  assertStoredOnce(await waitForRows(db, bobIds), bobIds, bob.id);

  // Three ways alice's queued events could leave with bob's token: the tracker's own delivery,
  // the last-chance send as the page is left, and a new tracker that finds them in IndexedDB.
  // After each, one more of bob's events, stored, shows the tracker has had its chance.
  bobIds.push(...await tracker.track(1, { stage: "bob" }));
  await waitForRows(db, bobIds);
  await page.goto(await pageUrl("blank.html"));
  await loadTrackerPage(page);
  await tracker.start({ ...options, token: bob.token });
  bobIds.push(...await tracker.track(1, { stage: "bob" }));
  await waitForRows(db, bobIds);
  assert.deepEqual(await rowsFor(db, aliceIds), [], "none of alice's events sent as bob's");

  await tracker.setToken(alice.token); // alice signs back in
  assertStoredOnce(await waitForRows(db, aliceIds), aliceIds, alice.id);
  assertStoredOnce(await rowsFor(db, bobIds), bobIds, bob.id);

  // What left the page: the network's record (gzip bodies read), and the page's own log, which
  // also has the keepalive sends that outlive their page. Alice's ids go with alice only.
  const aliceSet = new Set(aliceIds);
  const logged = (await fetchLogOf(page)).filter((s) => s.eventIds !== null);
  const sends = [...logged as { sub: string; eventIds: string[] }[], ...await wire.requests()];
  assert.ok(sends.length > 0);
  for (const send of sends) {
    const expected = send.eventIds.some((id) => aliceSet.has(id)) ? alice.id : bob.id;
    assert.equal(send.sub, expected, "each request carries only its token's user's events");
  }
});
