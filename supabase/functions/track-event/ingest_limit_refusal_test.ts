// PostgREST bodies as the limiter's migration raises them, read back into the function's errors.
import assert from "node:assert/strict";
import { BatchExceedsBurstError, RateLimitedError } from "../_shared/errors.ts";
import { ingestLimitRefusal } from "./ingest_limit_refusal.ts";

// Exactly what PostgREST 12 sends for the migration's 429 (jsonb orders the keys).
const RATE_LIMITED = {
  code: "rate_limited",
  details: '{"burst": 3, "available": 1, "retry_after_ms": 1975, "events_per_second": 0.5}',
  hint: "Retry after 2 s",
  message: "Too many events: this user is over the ingest limit; nothing was stored",
};

Deno.test("a 429 rate_limited becomes RateLimitedError with the database's numbers", () => {
  const error = ingestLimitRefusal(429, RATE_LIMITED);
  assert.ok(error instanceof RateLimitedError);
  assert.equal(error.retryAfterMs, 1975);
  assert.deepEqual(error.limit, { eventsPerSecond: 0.5, burst: 3, available: 1 });
  assert.equal(error.headers["Retry-After"], "2");
});

Deno.test("a 413 batch_exceeds_burst becomes BatchExceedsBurstError with the burst", () => {
  const error = ingestLimitRefusal(413, {
    code: "batch_exceeds_burst",
    details: '{"burst": 3, "events": 4, "events_per_second": 0.5}',
  });
  assert.ok(error instanceof BatchExceedsBurstError);
  assert.deepEqual(error.limit, { eventsPerSecond: 0.5, burst: 3, events: 4 });
});

Deno.test("unreadable numbers keep the status: 429 after one second, 413 without a burst", () => {
  for (const details of [null, "", "not json", '{"retry_after_ms": -5}', '{"burst": "3"}']) {
    const limited = ingestLimitRefusal(429, { code: "rate_limited", details });
    assert.ok(limited instanceof RateLimitedError, String(details));
    assert.equal(limited.retryAfterMs, 1000);
    assert.equal(limited.limit, null);
    const tooBig = ingestLimitRefusal(413, { code: "batch_exceeds_burst", details });
    assert.ok(tooBig instanceof BatchExceedsBurstError, String(details));
    assert.equal(tooBig.limit, null);
  }
});

Deno.test("other errors are not refusals, even with a matching status or code", () => {
  assert.equal(ingestLimitRefusal(429, { code: "PGRST000", details: RATE_LIMITED.details }), null);
  assert.equal(ingestLimitRefusal(413, { code: "rate_limited" }), null);
  assert.equal(ingestLimitRefusal(400, { code: "batch_exceeds_burst" }), null);
  assert.equal(ingestLimitRefusal(409, { code: "23505" }), null);
});
