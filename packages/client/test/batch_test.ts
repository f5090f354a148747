import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeBatch, takeBatch, utf8Length } from "../src/batch.ts";
import type { QueuedEvent } from "../src/types.ts";

const event = (i: number, size = 100): QueuedEvent => ({
  id: `id-${i}`,
  at: i,
  size,
  body: { event: "e", event_id: `id-${i}`, occurred_at: "2026-11-27T10:00:00.000Z" },
});

Deno.test("a batch takes at most maxEvents events, oldest first", () => {
  const events = Array.from({ length: 30 }, (_, i) => event(i));
  assert.deepEqual(
    takeBatch(events, 20, 1e9).map((e) => e.id),
    events.slice(0, 20).map((e) => e.id),
  );
});

Deno.test("a batch stays under maxBytes, but always holds at least one event", () => {
  const events = Array.from({ length: 10 }, (_, i) => event(i, 1000));
  const batch = takeBatch(events, 500, 3500);
  assert.equal(batch.length, 3);
  assert.equal(takeBatch([event(0, 9999)], 500, 100).length, 1);
  assert.equal(takeBatch([], 500, 100).length, 0);
});

Deno.test("the body carries the events as JSON and sent_at", () => {
  const body = JSON.parse(encodeBatch([event(1), event(2)], "2026-11-27T10:00:01.000Z"));
  assert.deepEqual(body.events.map((e: { event_id: string }) => e.event_id), ["id-1", "id-2"]);
  assert.equal(body.sent_at, "2026-11-27T10:00:01.000Z");
});

Deno.test("utf8Length agrees with TextEncoder for any JSON text", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), (a, b) => {
      const text = JSON.stringify({ a, b });
      assert.equal(utf8Length(text), new TextEncoder().encode(text).length);
    }),
  );
});
