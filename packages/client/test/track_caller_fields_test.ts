// track() sends the caller's event_id, occurred_at and context, and clear() drops the queue.
import assert from "node:assert/strict";
import { rig } from "./rig.ts";

const ID = "0193a6c0-1111-7000-8000-000000000001";

Deno.test("track() sends the caller's event_id and returns it; a second track of it is one event", async () => {
  const r = rig();
  assert.equal(r.tracker.track("e", { event_id: ID }), ID);
  assert.equal(r.tracker.track("e", { event_id: ID }), ID);
  assert.equal(await r.tracker.flush(), true);
  const sent = r.server.requests.flatMap((q) => q.body.events.map((e) => e.event_id));
  assert.deepEqual(sent, [ID]);
  assert.equal(r.server.arrivals("alice", ID), 1);
});

Deno.test("a caller's uppercase event_id is sent lowercase, as the server acknowledges it", async () => {
  const r = rig();
  assert.equal(r.tracker.track("e", { event_id: ID.toUpperCase() }), ID);
  assert.equal(await r.tracker.flush(), true);
  assert.deepEqual(r.server.requests.flatMap((q) => q.body.events.map((e) => e.event_id)), [ID]);
});

Deno.test("track() sends the caller's occurred_at, as a Date or as the string given", async () => {
  const r = rig();
  r.tracker.track("a", { occurred_at: new Date("2026-11-01T08:00:00.250Z") });
  r.tracker.track("b", { occurred_at: "2026-11-01T09:00:00+01:00" });
  r.tracker.track("c");
  assert.equal(await r.tracker.flush(), true);
  const times = r.server.requests.flatMap((q) => q.body.events.map((e) => e.occurred_at));
  assert.deepEqual(times, [
    "2026-11-01T08:00:00.250Z",
    "2026-11-01T09:00:00+01:00",
    new Date(r.clock.now()).toISOString(),
  ]);
});

Deno.test("track() sends context as it was at the call, apart from properties", async () => {
  const r = rig();
  const context = { page: { path: "/a" } };
  r.tracker.track("e", { properties: { n: 1 }, context });
  context.page.path = "/changed";
  assert.equal(await r.tracker.flush(), true);
  const [event] = r.server.requests[0].body.events;
  assert.deepEqual([event.properties, event.context], [{ n: 1 }, { page: { path: "/a" } }]);
});

Deno.test("clear() drops every queued event unsent and reports them as opted_out", async () => {
  const r = rig();
  const ids = [r.tracker.track("a"), r.tracker.track("b")];
  // Let the owner lookups answer, so the events are queued for alice and written to storage.
  for (let i = 0; i < 5; i++) await Promise.resolve();
  r.tracker.clear();
  assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 0, duplicates: 0, dropped: 2 });
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["opted_out", ids]]);
  assert.equal(await r.tracker.flush(), true);
  assert.equal(r.storage.events.size, 0, "nothing is left in storage");
  r.tracker.track("c");
  assert.equal(await r.tracker.flush(), true);
  const sent = r.server.requests.flatMap((q) => q.body.events.map((e) => e.event));
  assert.deepEqual(sent, ["c"], "only the event tracked after clear() was sent");
});
