// The CI form of the fault checks: under load, PostgREST and then Postgres are stopped and
// started again. The function must answer 503 with Retry-After within its upstream timeout, never
// a 500 or a hang, store nothing partially, and recover without a restart.
import assert from "node:assert/strict";
import { formatReport, runSoak } from "../../scripts/load/soak.ts";

// The function's default upstream timeout (TRACK_EVENT_UPSTREAM_TIMEOUT_MS), plus the gateway.
const UPSTREAM_TIMEOUT_MS = 5_000;

const report = await runSoak({
  seconds: 24,
  users: 6,
  maxRequests: 20_000,
  faults: true,
  log: () => {},
});
console.log(formatReport(report));

Deno.test("both outages happened while the load ran", () => {
  assert.equal(report.faultWindows, 2);
});

Deno.test("during outages the function answered 503 with Retry-After, never a 500", () => {
  assert.ok(report.unavailable > 0, "no request met an outage");
  assert.equal(report.unavailableWithoutRetryAfter, 0);
  assert.deepEqual(report.unexpected, []);
  assert.equal(report.serverErrors, 0);
});

Deno.test("a 503 came within the upstream timeout: no request hung", () => {
  assert.ok(
    report.slowestUnavailableMs < UPSTREAM_TIMEOUT_MS + 1_000,
    `slowest 503 took ${report.slowestUnavailableMs.toFixed(0)} ms`,
  );
});

Deno.test("no batch was stored partially and every acknowledged event was stored once", () => {
  assert.equal(report.partialBatches, 0);
  assert.equal(report.ackedMissing, 0);
  assert.equal(report.ackedStoredTwice, 0);
  assert.equal(report.rejectedButStored, 0);
  assert.equal(report.foreignRows, 0);
});

Deno.test("the function recovered without a restart once the outages ended", () => {
  assert.ok(report.okAfterLastFault > 0, "no request succeeded after the last outage");
});
