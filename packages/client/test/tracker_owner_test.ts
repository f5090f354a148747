// Whose event is it: each track() is attributed to the token current at that call, an event whose
// owner is not yet known is seen by no other context, and one stored without an owner is never
// given to anyone.
import assert from "node:assert/strict";
import { createCoreTracker } from "../src/tracker.ts";
import type { QueuedEvent } from "../src/types.ts";
import { errorLog, fakePlatform, fakeToken } from "./fakes.ts";
import { rig, URL_ } from "./rig.ts";

for (const tab1User of ["alice", null]) {
  Deno.test(
    `two tabs on one storage: events waiting on a slow token lookup are never sent or dropped by the other tab (${
      tab1User ?? "signed out"
    })`,
    async () => {
      // Tab 1 sends (alice's, or signed out); tab 2 is bob's (per-tab sessions), and its lookup
      // takes 150 ms.
      const tab1 = rig({ flushIntervalMs: 10 });
      tab1.auth.token = tab1User && fakeToken(tab1User);
      const tab2Log = errorLog();
      const tab2 = createCoreTracker(
        {
          url: URL_,
          apiKey: "anon-key",
          getAccessToken: () =>
            new Promise((resolve) => tab1.clock.setTimeout(() => resolve(fakeToken("bob")), 150)),
          onError: tab2Log.onError,
          flushIntervalMs: 10,
        },
        tab1.storage,
        fakePlatform(tab1.clock, (url, init) => tab1.server.fetch(url, init)),
      );
      const bobIds = Array.from({ length: 6 }, () => tab2.track("by_bob"));
      await tab1.clock.settle(); // tab 2 has written what it writes before the lookup answers
      const tab1Id = tab1.tracker.track("by_tab1");
      tab1.tracker.flush({ timeoutMs: 100 }); // tab 1 reloads the storage and sends what it may
      await tab1.clock.advance(100);
      if (tab1User) assert.equal(tab1.server.isStored("alice", tab1Id), true, "tab 1 sent");
      for (const id of bobIds) {
        assert.equal(tab1.server.arrivals("alice", id), 0, "sent as alice's");
      }
      assert.deepEqual(
        tab1.log.errors.filter((e) => e.eventIds.some((id) => bobIds.includes(id))),
        [],
        "tab 1 dropped some of tab 2's events",
      );
      await tab1.clock.runUntil(() => bobIds.every((id) => tab1.server.isStored("bob", id)));
      for (const request of tab1.server.requests) {
        const owner = request.body.events.some((e) => bobIds.includes(e.event_id as string))
          ? "bob"
          : "alice";
        assert.equal(request.sub, owner, "each request carries only its token's user's events");
      }
      assert.deepEqual(tab2Log.errors, []);
      await tab2.close();
    },
  );
}

Deno.test("track() calls in one microtask checkpoint follow the token current at each call", async () => {
  const r = rig();
  const ids: string[] = [];
  await Promise.all([
    Promise.resolve().then(() => ids.push(r.tracker.track("as_alice"))),
    Promise.resolve().then(() => {
      r.auth.token = fakeToken("bob"); // a sign-in handler runs in the same checkpoint
      ids.push(r.tracker.track("as_bob"));
    }),
  ]);
  await r.clock.runUntil(() => r.server.isStored("bob", ids[1]));
  r.auth.token = fakeToken("alice");
  await r.clock.runUntil(() => r.server.isStored("alice", ids[0]));
  assert.equal(r.server.arrivals("alice", ids[1]), 0, "bob's event went as alice's");
  assert.equal(r.server.arrivals("bob", ids[0]), 0, "alice's event went as bob's");
});

Deno.test("a hung getAccessToken holds at most twice maxQueueEvents lookups, and maxQueueEvents events", async () => {
  const hung = new Promise<string>(() => {});
  let calls = 0;
  const r = rig({
    maxQueueEvents: 10,
    getAccessToken: () => {
      calls++;
      return hung;
    },
  });
  for (let i = 0; i < 1000; i++) {
    r.tracker.track("e");
    await Promise.resolve(); // each in its own microtask, as events of a running app are
  }
  assert.ok(calls <= 20, `${calls} lookups left waiting on a hung getAccessToken`);
  assert.equal(r.tracker.stats().queued, 10);
  assert.equal(r.tracker.stats().dropped, 990);
  assert.equal(r.log.errors.flatMap((e) => e.eventIds).length, 990, "every drop reported");
});

Deno.test("events dropped by the cap while their lookup is out are not brought back by its answer", async () => {
  let answer = (_token: string) => {};
  const first = new Promise<string>((resolve) => answer = resolve);
  let calls = 0;
  const r = rig({
    maxQueueEvents: 2,
    getAccessToken: () => calls++ ? Promise.resolve(fakeToken("alice")) : first,
  });
  const dropped = r.tracker.track("oldest");
  r.tracker.track("b");
  r.tracker.track("c");
  answer(fakeToken("alice"));
  assert.equal(await r.tracker.flush(), true);
  assert.equal(r.server.isStored("alice", dropped), false);
  assert.equal(r.server.storedCount(), 2);
  assert.equal(r.tracker.stats().queued, 0);
});

const stored = (id: string, sub?: string): QueuedEvent => ({
  id,
  ...(sub && { sub }),
  at: Date.UTC(2026, 10, 27, 10),
  size: 80,
  body: { event: "left", event_id: id, occurred_at: "2026-11-27T10:00:00.000Z" },
});

Deno.test("an event stored without an owner is never given to the next user: reported unknown_user and removed", async () => {
  const r0 = rig();
  const orphan = "0190f000-0000-7000-8000-000000000001";
  const owned = "0190f000-0000-7000-8000-000000000002";
  r0.storage.events.set(orphan, stored(orphan));
  r0.storage.events.set(owned, stored(owned, "alice"));
  const r = rig({}, { storage: r0.storage });
  r.auth.token = fakeToken("bob");
  r.tracker.track("by_bob");
  await r.clock.runUntil(() => r.log.errors.length > 0 && r.server.storedCount() === 1);
  assert.equal(r.server.arrivals("bob", orphan), 0, "the orphan was sent as bob's");
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["unknown_user", [orphan]]]);
  assert.equal(r.storage.events.has(orphan), false);
  assert.equal(r.storage.events.has(owned), true, "alice's event waits for alice");
  assert.equal(r.tracker.stats().dropped, 1);
  await r0.tracker.close();
});

Deno.test("an event whose lookup has not answered is not in the shared storage", async () => {
  let answer = (_token: string) => {};
  const r = rig({ getAccessToken: () => new Promise((resolve) => answer = resolve) });
  const id = r.tracker.track("e");
  await r.clock.settle();
  assert.equal(r.storage.events.has(id), false, "stored before its owner was known");
  assert.equal(r.tracker.stats().queued, 1, "but queued: flush waits for it");
  answer(fakeToken("alice"));
  await r.clock.settle();
  assert.equal(r.storage.events.get(id)?.sub, "alice");
});
