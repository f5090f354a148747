// The tracker's behaviour apart from the response table: ids, batching, flush, users, limits.
import assert from "node:assert/strict";
import { fakeStorage, fakeToken } from "./fakes.ts";
import { rig, URL_ } from "./rig.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("track returns the event's UUIDv7 at once and sets occurred_at then", async () => {
  const r = rig();
  const id = r.tracker.track("stage_started", {
    job_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    stage: "render",
    properties: { attempt: 1 },
  });
  assert.match(id, UUID_V7);
  const trackedAt = r.clock.now();
  await r.clock.advance(5000);
  const [request] = r.server.requests;
  assert.deepEqual(request.body.events, [{
    event: "stage_started",
    event_id: id,
    occurred_at: new Date(trackedAt).toISOString(),
    job_id: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    stage: "render",
    properties: { attempt: 1 },
  }]);
  assert.equal(request.body.sent_at, new Date(trackedAt + 1000).toISOString());
});

Deno.test("requests carry apikey, the bearer token and JSON content type", async () => {
  const r = rig();
  r.tracker.track("a");
  await r.tracker.flush({ timeoutMs: 1000 });
  const { headers } = r.server.requests[0];
  assert.equal(headers.get("apikey"), "anon-key");
  assert.equal(headers.get("authorization"), `Bearer ${fakeToken("alice")}`);
  assert.equal(headers.get("content-type"), "application/json");
});

Deno.test("batching by time: events wait flushIntervalMs, then go in one request", async () => {
  const r = rig({ flushIntervalMs: 2000 });
  for (let i = 0; i < 5; i++) r.tracker.track(`e${i}`);
  await r.clock.advance(1999);
  assert.equal(r.server.requests.length, 0);
  await r.clock.advance(1);
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [5]);
});

Deno.test("batching by count: flushAt events are sent at once", async () => {
  const r = rig({ flushAt: 3, flushIntervalMs: 60_000 });
  for (let i = 0; i < 3; i++) r.tracker.track(`e${i}`);
  await r.clock.settle();
  await r.clock.advance(0);
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [3]);
});

/** A rig whose server answers only when the test releases the gate. */
function gatedRig(options: Parameters<typeof rig>[0]) {
  let release = () => {};
  let gate = Promise.resolve();
  const close = () => gate = new Promise<void>((resolve) => release = resolve);
  const handle: { server?: ReturnType<typeof rig>["server"] } = {};
  const r = rig(options, {
    platform: {
      fetch: async (url, init) => {
        await gate;
        return handle.server!.fetch(url, init);
      },
    },
  });
  handle.server = r.server;
  return { ...r, close, release: () => release() };
}

Deno.test("events tracked while a request is out wait for the interval, not for its answer", async () => {
  const r = gatedRig({ flushAt: 20, flushIntervalMs: 1000 });
  r.close();
  r.tracker.track("a");
  await r.clock.advance(1000);
  r.tracker.track("b");
  r.tracker.track("c");
  r.release();
  await r.clock.settle();
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [1]);
  await r.clock.advance(999);
  assert.equal(r.server.requests.length, 1, "b and c wait for the interval");
  await r.clock.advance(1);
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [1, 2]);
});

Deno.test("a flush during a request sends what arrived meanwhile as soon as it is answered", async () => {
  const r = gatedRig({ flushAt: 20, flushIntervalMs: 60_000 });
  r.close();
  r.tracker.track("a");
  const first = r.tracker.flush();
  await r.clock.settle(); // a's request is out, held at the gate
  r.tracker.track("b");
  const second = r.tracker.flush();
  r.release();
  assert.deepEqual(await Promise.all([first, second]), [true, true]);
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [1, 1]);
});

Deno.test("a backlog goes in requests of at most 500 events", async () => {
  const r = rig({ maxQueueEvents: 5000 });
  for (let i = 0; i < 1200; i++) r.tracker.track("e");
  assert.equal(await r.tracker.flush({ timeoutMs: 60_000 }), true);
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [500, 500, 200]);
});

Deno.test("batching by bytes: a request body stays under 512 KiB", async () => {
  const r = rig({ maxQueueEvents: 5000 });
  const blob = "x".repeat(30_000);
  for (let i = 0; i < 40; i++) r.tracker.track("e", { properties: { blob } });
  assert.equal(await r.tracker.flush({ timeoutMs: 60_000 }), true);
  assert.ok(r.server.requests.length >= 3);
  for (const q of r.server.requests) {
    assert.ok(JSON.stringify(q.body).length < 512 * 1024, "a body over 512 KiB");
  }
});

Deno.test("an event over 32 KiB is dropped at track() as too_large", () => {
  const r = rig();
  const id = r.tracker.track("e", { properties: { blob: "x".repeat(33 * 1024) } });
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["too_large", [id]]]);
  assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 0, duplicates: 0, dropped: 1 });
});

Deno.test("bodies over 1 KiB are gzipped where the platform can", async () => {
  const gzip = async (text: string) =>
    new Uint8Array(
      await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")))
        .arrayBuffer(),
    );
  const r = rig({}, { platform: { gzip } });
  r.tracker.track("small");
  await r.tracker.flush({ timeoutMs: 5000 });
  for (let i = 0; i < 30; i++) r.tracker.track("bigger", { properties: { i } });
  await r.tracker.flush({ timeoutMs: 5000 });
  assert.deepEqual(r.server.requests.map((q) => q.headers.get("content-encoding")), [null, "gzip"]);
  assert.equal(r.server.requests[1].body.events.length, 30);
});

Deno.test("flush resolves true once every earlier event is acknowledged", async () => {
  const r = rig();
  const ids = [r.tracker.track("a"), r.tracker.track("b")];
  assert.equal(await r.tracker.flush(), true);
  for (const id of ids) assert.equal(r.server.isStored("alice", id), true);
  assert.equal(await r.tracker.flush(), true, "an empty queue flushes at once");
});

Deno.test("flush with timeoutMs resolves false while the server is down, and the events stay", async () => {
  const r = rig();
  for (let i = 0; i < 20; i++) r.server.faults.push({ kind: "status", status: 503 });
  r.tracker.track("a");
  const flushed = r.tracker.flush({ timeoutMs: 3000 });
  await r.clock.advance(3000);
  assert.equal(await flushed, false);
  assert.equal(r.tracker.stats().queued, 1);
});

Deno.test("an event is only ever sent with the token of the user who was signed in at track()", async () => {
  const r = rig();
  const a = r.tracker.track("by_alice");
  await r.clock.settle();
  r.auth.token = fakeToken("bob");
  const b = r.tracker.track("by_bob");
  await r.clock.advance(5000);
  assert.deepEqual(r.server.requests.map((q) => [q.sub, q.body.events.map((e) => e.event_id)]), [
    ["bob", [b]],
  ]);
  assert.equal(r.tracker.stats().queued, 1, "alice's event waits for alice");
  r.auth.token = fakeToken("alice", 1);
  await r.clock.runUntil(() => r.tracker.stats().queued === 0);
  assert.deepEqual(r.server.requests.at(-1)!.body.events.map((e) => e.event_id), [a]);
  assert.equal(r.server.requests.at(-1)!.sub, "alice");
});

Deno.test("events tracked while signed out are dropped as signed_out, never sent", async () => {
  const r = rig();
  r.auth.token = null;
  const id = r.tracker.track("anonymous");
  await r.clock.settle();
  r.auth.token = fakeToken("bob");
  await r.clock.advance(60_000);
  assert.equal(r.server.requests.length, 0);
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["signed_out", [id]]]);
});

Deno.test("when getAccessToken fails at track(), the event stays with the last user seen", async () => {
  let fail = false;
  const r = rig({
    getAccessToken: () =>
      fail ? Promise.reject(new Error("offline")) : Promise.resolve(r.auth.token),
  });
  r.tracker.track("seen"); // alice's token is read once
  await r.clock.settle();
  fail = true;
  const id = r.tracker.track("a");
  await r.clock.advance(5000);
  assert.equal(r.server.isStored("alice", id), false, "nothing can be sent without a token");
  // Bob signs in: alice's event must still only ever go with alice's token.
  r.auth.token = fakeToken("bob");
  fail = false;
  await r.clock.advance(5000);
  assert.equal(r.server.isStored("bob", id), false);
  r.auth.token = fakeToken("alice");
  await r.clock.runUntil(() => r.server.isStored("alice", id));
});

Deno.test("when getAccessToken fails before any user was seen, the event is dropped, never given to the next user", async () => {
  let fail = true;
  const r = rig({
    getAccessToken: () =>
      fail ? Promise.reject(new Error("offline")) : Promise.resolve(fakeToken("bob")),
  });
  const id = r.tracker.track("a");
  await r.clock.settle();
  fail = false;
  await r.clock.advance(5000);
  assert.equal(r.server.isStored("bob", id), false);
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["unknown_user", [id]]]);
  assert.equal(r.tracker.stats().dropped, 1);
});

Deno.test("the queue cap drops the oldest events first and counts them", async () => {
  const r = rig({ maxQueueEvents: 3, flushIntervalMs: 60_000, flushAt: 100 });
  const ids = Array.from({ length: 5 }, (_, i) => r.tracker.track(`e${i}`));
  assert.equal(r.tracker.stats().queued, 3);
  assert.equal(r.tracker.stats().dropped, 2);
  assert.deepEqual(
    r.log.errors.flatMap((e) => e.code === "queue_full" ? e.eventIds : []),
    ids.slice(0, 2),
  );
  await r.tracker.flush({ timeoutMs: 5000 });
  assert.deepEqual(r.server.requests[0].body.events.map((e) => e.event_id), ids.slice(2));
});

Deno.test("events older than maxEventAgeMs are dropped as expired", async () => {
  const r = rig({ maxEventAgeMs: 60_000 });
  r.auth.token = fakeToken("bob");
  await r.clock.settle();
  const id = r.tracker.track("old");
  await r.clock.settle();
  r.auth.token = fakeToken("alice"); // bob's event cannot be sent with alice's token
  await r.clock.advance(61_000 + 31_000);
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["expired", [id]]]);
  assert.equal(r.server.requests.length, 0);
});

Deno.test("a new tracker on the same storage sends what the last one left", async () => {
  const storage = fakeStorage();
  const first = rig({}, { storage });
  for (let i = 0; i < 20; i++) first.server.faults.push({ kind: "network" });
  const ids = [first.tracker.track("a"), first.tracker.track("b")];
  await first.clock.advance(3000);
  await first.tracker.close();
  assert.deepEqual([...storage.events.keys()].sort(), [...ids].sort());
  const second = rig({}, { storage });
  await second.clock.runUntil(() => second.server.storedCount() === 2);
  for (const id of ids) assert.equal(second.server.isStored("alice", id), true);
  await second.clock.runUntil(() => storage.events.size === 0);
});

Deno.test("a failing storage is reported and the events are still delivered from memory", async () => {
  const storage = fakeStorage();
  storage.failWrites = true;
  const r = rig({}, { storage });
  const id = r.tracker.track("a");
  assert.equal(await r.tracker.flush(), true);
  assert.equal(r.server.isStored("alice", id), true);
  assert.ok(r.log.errors.some((e) => e.code === "storage_failed"));
});

Deno.test("an event is removed from storage only after the server acknowledged it", async () => {
  const storage = fakeStorage();
  const r = rig({}, { storage });
  r.server.faults.push({ kind: "status", status: 503, headers: { "retry-after": "5" } });
  const id = r.tracker.track("a");
  await r.clock.advance(1000);
  assert.equal(r.server.requests.length, 1);
  assert.ok(storage.events.has(id), "removed after a 503");
  await r.clock.runUntil(() => r.server.requests.length === 2);
  await r.clock.settle();
  assert.equal(storage.events.has(id), false);
});

Deno.test("close stops sending; later events stay queued for the next tracker", async () => {
  const r = rig();
  await r.tracker.close();
  r.tracker.track("after_close");
  await r.clock.advance(10_000);
  assert.equal(r.server.requests.length, 0);
  assert.equal(r.storage.events.size, 1);
  void URL_;
});
