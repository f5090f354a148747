import assert from "node:assert/strict";
import { rateLimit, rateLimitPolicy } from "./rate_limit_headers.ts";

Deno.test("the policy's quota is the burst and its window the seconds a burst takes to refill", () => {
  assert.equal(rateLimitPolicy({ eventsPerSecond: 50, burst: 10_000 }), '"events";q=10000;w=200');
  assert.equal(rateLimitPolicy({ eventsPerSecond: 0.5, burst: 3 }), '"events";q=3;w=6');
  assert.equal(
    rateLimitPolicy({ eventsPerSecond: 3, burst: 10 }),
    '"events";q=10;w=4',
    "rounded up",
  );
});

Deno.test("the window is at least one second, as the draft requires", () => {
  assert.equal(rateLimitPolicy({ eventsPerSecond: 1e9, burst: 5 }), '"events";q=5;w=1');
});

Deno.test("RateLimit gives the events available now and the seconds they cover", () => {
  assert.equal(rateLimit(0, 3), '"events";r=0;t=3');
  assert.equal(rateLimit(30.9, 2), '"events";r=30;t=2', "never more than is available");
  assert.equal(rateLimit(-1, 1), '"events";r=0;t=1');
});
