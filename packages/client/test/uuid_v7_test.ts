import assert from "node:assert/strict";
import { uuidV7Generator } from "../src/uuid_v7.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const fill = (bytes: Uint8Array) => crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>);
const timestampOf = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

Deno.test("a UUIDv7 has version 7, the RFC 9562 variant and the millisecond timestamp", () => {
  const ms = Date.UTC(2026, 10, 27, 10, 0, 0, 123);
  const id = uuidV7Generator(() => ms, fill)();
  assert.match(id, UUID_V7);
  assert.equal(timestampOf(id), ms);
});

Deno.test("ids made in the same millisecond are strictly increasing, past the 12-bit counter", () => {
  const next = uuidV7Generator(() => 1_700_000_000_000, fill);
  const ids = Array.from({ length: 10_000 }, next);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} >= ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, UUID_V7);
  // 10,000 ids overflow 4,096 sequence values: the timestamp moved ahead, never back.
  assert.ok(timestampOf(ids.at(-1)!) > 1_700_000_000_000);
});

Deno.test("ids sort by time across milliseconds, and a clock that goes back does not reorder them", () => {
  const times = [1000, 1001, 1005, 999, 1005, 2000];
  let i = 0;
  const next = uuidV7Generator(() => times[i++], fill);
  const ids = times.map(() => next());
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(timestampOf(ids[3]), 1005, "a clock step back keeps the last timestamp");
});

Deno.test("the random bits come from the given source", () => {
  const zeros = uuidV7Generator(() => 0, (b) => b.fill(0))();
  const ones = uuidV7Generator(() => 0, (b) => b.fill(255))();
  assert.equal(zeros, "00000000-0000-7000-8000-000000000000");
  assert.equal(ones, "00000000-0000-77ff-bfff-ffffffffffff");
});
