import assert from "node:assert/strict";
import { openTrackerPage } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, countFor, rowsFor, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "a tab's events waiting on a slow token lookup never leave with another tab's user's token",
  async (
    { db, context, wire },
  ) => {
    // Two tabs of one origin, two users (per-tab sessions). Tab 1 is alice's and holds the send
    // lock; tab 2 is bob's, and its getAccessToken takes 300 ms.
    const alice = await db.createUser("alice");
    const bob = await db.createUser("bob");
    const bobsJob = await db.createJob(bob.id);
    const options = { apiKey: db.env.anonKey, flushIntervalMs: 50 };
    const page1 = await openTrackerPage(context);
    const tab1 = driverOf(page1);
    await tab1.start({ ...options, token: alice.token });
    await waitUntil(
      "tab 1 to hold the send lock",
      async () => (await tab1.locksHeld()) || undefined,
    );
    const tab2 = driverOf(await openTrackerPage(context));
    await tab2.start({ ...options, token: bob.token, tokenDelayMs: 300 });

    // Half of bob's events name bob's job: sent with alice's token they would be dropped as
    // job_not_owned; the other half would be stored as alice's.
    const bobIds = [
      ...await tab2.track(10, { stage: "bob" }),
      ...await tab2.track(10, { job_id: bobsJob, stage: "bob-job" }),
    ];
    const aliceIds = await tab1.track(5, { stage: "alice" });
    await waitForRows(db, aliceIds);
    await waitUntil(
      "tab 2's token lookups to answer",
      async () => {
        const asked = (await tab2.tokenRequests()).length;
        return asked > 0 && (await tab2.tokenAnswers()) === asked || undefined;
      },
    );
    // Bob's events reach IndexedDB, owned, for the tab that may send; or, as an older SDK did,
    // the database, sent by tab 1.
    await waitUntil(
      "bob's events in IndexedDB or in the database",
      async () =>
        (await tab2.storedRecords()) >= bobIds.length ||
        (await rowsFor(db, bobIds)).length > 0 || undefined,
    );
    // One more of alice's events, stored: tab 1 has sent since bob's events reached the storage.
    aliceIds.push(...await tab1.track(1, { stage: "alice" }));
    await waitForRows(db, aliceIds);
    assert.deepEqual(await rowsFor(db, bobIds), [], "bob's events were sent with alice's token");

    // Tab 1 goes away: tab 2 takes the lock and sends bob's events with bob's own token.
    await page1.close();
    const rows = await waitForRows(db, bobIds);
    assertStoredOnce(rows, bobIds, bob.id);
    assert.equal(rows.filter((row) => row.job_id === bobsJob).length, 10, "bob's job kept");
    assert.deepEqual(await tab2.errors(), [], "nothing of bob's was dropped");
    assert.equal(await countFor(db, alice.id), aliceIds.length, "alice owns only her own rows");
    assert.equal(await countFor(db, bob.id), bobIds.length);

    const bobSet = new Set(bobIds);
    for (const sent of await wire.requests()) {
      const owner = sent.eventIds.some((id) => bobSet.has(id)) ? bob.id : alice.id;
      assert.equal(sent.sub, owner, "each request carries only its token's user's events");
    }
  },
);
