import assert from "node:assert/strict";
import { RateLimitedError } from "../_shared/errors.ts";
import { createRefusalMemory } from "./refusal_memory.ts";

const LIMIT = { eventsPerSecond: 50, burst: 10_000, available: 0 };

function clock(startMs: number) {
  let ms = startMs;
  return { now: () => new Date(ms), advance: (by: number) => ms += by };
}

Deno.test("a refusal is remembered for the wait the database gave, counted from arrival", () => {
  const time = clock(1_000);
  const memory = createRefusalMemory({ maxEntries: 10, now: time.now });
  const arrived = time.now();
  time.advance(30); // the database's answer took 30 ms
  memory.remember("alice", new RateLimitedError(2_000, LIMIT), arrived);

  assert.equal(memory.current("alice")?.retryAfterMs, 1_970, "the wait left, not a fresh 2 s");
  time.advance(1_969);
  assert.equal(memory.current("alice")?.retryAfterMs, 1);
  time.advance(1);
  assert.equal(memory.current("alice"), null, "never past the database's Retry-After");
});

Deno.test("the remembered refusal keeps the limit's numbers, with nothing available", () => {
  const time = clock(0);
  const memory = createRefusalMemory({ maxEntries: 10, now: time.now });
  memory.remember("alice", new RateLimitedError(1_500, { ...LIMIT, available: 3 }), time.now());
  const refusal = memory.current("alice")!;
  assert.deepEqual(refusal.limit, LIMIT);
  assert.equal(refusal.headers["Retry-After"], "2");
});

Deno.test("one user's refusal says nothing about another", () => {
  const time = clock(0);
  const memory = createRefusalMemory({ maxEntries: 10, now: time.now });
  memory.remember("alice", new RateLimitedError(5_000, null), time.now());
  assert.equal(memory.current("bob"), null);
  assert.ok(memory.current("alice") instanceof RateLimitedError);
});

Deno.test("a refusal whose wait is already over is not remembered", () => {
  const time = clock(0);
  const memory = createRefusalMemory({ maxEntries: 10, now: time.now });
  const arrived = time.now();
  time.advance(50);
  memory.remember("alice", new RateLimitedError(20, null), arrived);
  assert.equal(memory.current("alice"), null);
});

Deno.test("the memory holds at most maxEntries users, dropping the oldest", () => {
  const time = clock(0);
  const memory = createRefusalMemory({ maxEntries: 2, now: time.now });
  for (const user of ["a", "b", "c"]) {
    memory.remember(user, new RateLimitedError(5_000, null), time.now());
  }
  assert.equal(memory.current("a"), null);
  assert.ok(memory.current("b") && memory.current("c"));
});
