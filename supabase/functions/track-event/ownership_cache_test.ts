import assert from "node:assert/strict";
import { createOwnershipCache } from "./ownership_cache.ts";

function clock(start = 0) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => now += ms };
}

Deno.test("remembered jobs are known to that user only, until the TTL passes", () => {
  const time = clock();
  const cache = createOwnershipCache({ ttlMs: 60_000, maxEntries: 100, now: time.now });
  cache.remember("alice", ["j1"]);
  assert.deepEqual(cache.unknown("alice", ["j1", "j2"]), ["j2"]);
  assert.deepEqual(cache.unknown("bob", ["j1"]), ["j1"]);
  time.advance(59_999);
  assert.deepEqual(cache.unknown("alice", ["j1"]), []);
  time.advance(1);
  assert.deepEqual(cache.unknown("alice", ["j1"]), ["j1"]);
});

Deno.test("forget evicts at once", () => {
  const cache = createOwnershipCache({ ttlMs: 60_000, maxEntries: 100, now: clock().now });
  cache.remember("alice", ["j1", "j2"]);
  cache.forget("alice", ["j1"]);
  assert.deepEqual(cache.unknown("alice", ["j1", "j2"]), ["j1"]);
});

Deno.test("the cache never holds more than maxEntries, dropping the oldest", () => {
  const cache = createOwnershipCache({ ttlMs: 60_000, maxEntries: 3, now: clock().now });
  cache.remember("u", ["a", "b", "c"]);
  cache.remember("u", ["a"]); // refreshed: now the newest
  cache.remember("u", ["d"]);
  assert.deepEqual(cache.unknown("u", ["a", "b", "c", "d"]), ["b"]);
});
