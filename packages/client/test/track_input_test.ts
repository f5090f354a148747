// track() never throws into the app, stores the properties as they were at the call, and reports
// what JSON cannot hold.
import assert from "node:assert/strict";
import { rig } from "./rig.ts";

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
const throwing = {
  get boom() {
    throw new Error("getter failed");
  },
};

const unserializable: [string, unknown][] = [
  ["a BigInt", { n: 10n }],
  ["a circular reference", circular],
  ["a throwing getter", throwing],
  ["a throwing toJSON", { toJSON: () => JSON.parse("{") }],
];

for (const [name, properties] of unserializable) {
  Deno.test(`track() with ${name} in properties does not throw: the event is dropped and reported`, async () => {
    const r = rig();
    // deno-lint-ignore no-explicit-any
    const id = r.tracker.track("e", { properties: properties as any });
    assert.equal(typeof id, "string");
    assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["invalid_event", [id]]]);
    assert.equal(r.tracker.stats().dropped, 1);
    assert.equal(await r.tracker.flush(), true);
    assert.equal(r.server.requests.length, 0);
  });
}

Deno.test("track() with fields that are not an object does not throw", () => {
  const r = rig();
  // deno-lint-ignore no-explicit-any
  const id = r.tracker.track("e", null as any);
  assert.equal(typeof id, "string");
  assert.equal(r.log.errors.length, 0, "null fields are no fields");
});

Deno.test("properties are copied at track(): a later change of the object is not sent", async () => {
  const r = rig();
  const properties = { step: 1, nested: { ok: true } };
  const id = r.tracker.track("e", { properties });
  properties.step = 2;
  properties.nested.ok = false;
  assert.equal(await r.tracker.flush(), true);
  const [sent] = r.server.requests[0].body.events;
  assert.equal(sent.event_id, id);
  assert.deepEqual(sent.properties, { step: 1, nested: { ok: true } });
});

Deno.test("NaN, Infinity and a Map are reported: JSON stores them as null and {}", async () => {
  const r = rig();
  const id = r.tracker.track("e", {
    properties: { nan: NaN, inf: -Infinity, map: new Map([["a", 1]]), fine: 1, when: new Date(0) },
  });
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["lossy_properties", [id]]]);
  assert.match(r.log.errors[0].message, /nan.*inf.*map/);
  assert.equal(r.tracker.stats().dropped, 0, "reported, not dropped");
  assert.equal(await r.tracker.flush(), true);
  assert.deepEqual(r.server.requests[0].body.events[0].properties, {
    nan: null,
    inf: null,
    map: {},
    fine: 1,
    when: "1970-01-01T00:00:00.000Z",
  });
});
