// The CI form of scripts/soak: ten seconds of mixed traffic from eight users, then every response
// is checked against the database. The long form and its figures are in docs/BENCHMARKS.md.
import assert from "node:assert/strict";
import { formatReport, runSoak } from "../../scripts/load/soak.ts";

const report = await runSoak({
  seconds: 10,
  users: 8,
  maxRequests: 20_000,
  faults: false,
  log: () => {},
});
console.log(formatReport(report));

Deno.test("the soak sent every kind of request", () => {
  assert.ok(report.requests > 50, `only ${report.requests} requests`);
  for (const kind of ["single", "batch", "cross_user_function", "malformed", "expired_token"]) {
    assert.ok(report.byKind[kind] > 0, `no ${kind} request was sent`);
  }
});

Deno.test("every event acknowledged with 2xx is stored exactly once", () => {
  assert.ok(report.eventsAcked > 0);
  assert.equal(report.ackedMissing, 0);
  assert.equal(report.ackedStoredTwice, 0);
});

Deno.test("nothing that got a 4xx is stored", () => {
  assert.equal(report.rejectedButStored, 0);
});

Deno.test("no row ties a user to another user's job", () => {
  assert.equal(report.foreignRows, 0);
});

Deno.test("every response had the expected status, and none was a 5xx", () => {
  assert.deepEqual(report.unexpected, []);
  assert.equal(report.serverErrors, 0);
  assert.equal(report.unavailable, 0);
});
