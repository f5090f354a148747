import assert from "node:assert/strict";
import fc from "fast-check";
import { uuidV7, uuidV7Time } from "./uuid_v7.ts";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("a UUIDv7 has version 7, variant 10 and the timestamp it was made at", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
    const id = uuidV7(ms);
    assert.match(id, V7);
    assert.equal(uuidV7Time(id), ms);
  }));
});

Deno.test("UUIDv7s made at later milliseconds sort after earlier ones, as text", () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 2 ** 48 - 2 }),
    fc.integer({ min: 1, max: 10 ** 6 }),
    (ms, later) => {
      const next = Math.min(ms + later, 2 ** 48 - 1);
      assert.ok(uuidV7(ms) < uuidV7(next));
    },
  ));
});

Deno.test("the random bits differ between ids made in the same millisecond", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => uuidV7(1_800_000_000_000)));
  assert.equal(ids.size, 1000);
});

Deno.test("a timestamp outside 48 bits is refused", () => {
  for (const bad of [-1, 2 ** 48, 1.5, Number.NaN]) assert.throws(() => uuidV7(bad), RangeError);
});
