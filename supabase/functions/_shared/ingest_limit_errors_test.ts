// The two ingest-limit refusals as responses: 429 with Retry-After and the draft's RateLimit
// fields, and the 413 for a batch that can never fit, which has no Retry-After.
import assert from "node:assert/strict";
import { BatchExceedsBurstError, RateLimitedError, toResponse } from "./errors.ts";

const LIMIT = { eventsPerSecond: 50, burst: 10_000 };

Deno.test("429 rate_limited carries retry_after_ms and the three headers", async () => {
  const response = toResponse(new RateLimitedError(2_500, { ...LIMIT, available: 40 }), "r");
  assert.equal(response.status, 429);
  assert.deepEqual(await response.json(), {
    error: {
      code: "rate_limited",
      message: "Too many events: you are over your ingest limit; retry after Retry-After seconds",
      retry_after_ms: 2_500,
    },
  });
  assert.equal(response.headers.get("retry-after"), "3");
  assert.equal(response.headers.get("ratelimit-policy"), '"events";q=10000;w=200');
  assert.equal(response.headers.get("ratelimit"), '"events";r=40;t=3');
});

Deno.test("Retry-After is whole seconds rounded up, and never 0", () => {
  const cases: [number, string][] = [[1, "1"], [999, "1"], [1_000, "1"], [1_001, "2"], [
    59_999,
    "60",
  ]];
  for (const [ms, seconds] of cases) {
    const headers = toResponse(new RateLimitedError(ms, { ...LIMIT, available: 0 }), "r").headers;
    assert.equal(headers.get("retry-after"), seconds, `${ms} ms`);
    assert.equal(headers.get("ratelimit"), `"events";r=0;t=${seconds}`);
  }
});

Deno.test("without the database's numbers a 429 still says when to retry", () => {
  const response = toResponse(new RateLimitedError(1_000, null), "r");
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "1");
  assert.equal(response.headers.get("ratelimit"), null);
});

Deno.test("413 batch_exceeds_burst names the burst and never says to retry", async () => {
  const response = toResponse(
    new BatchExceedsBurstError({ ...LIMIT, burst: 100, events: 120 }),
    "r",
  );
  assert.equal(response.status, 413);
  const body = await response.json();
  assert.equal(body.error.code, "batch_exceeds_burst");
  assert.equal(body.error.burst, 100);
  assert.equal(body.error.events, 120);
  assert.equal(response.headers.get("retry-after"), null);
  assert.equal(response.headers.get("ratelimit-policy"), '"events";q=100;w=2');
});
