// The response table through a whole tracker: what it sends next, what it drops, and when.
import assert from "node:assert/strict";
import { fakeToken, json } from "./fakes.ts";
import { rig } from "./rig.ts";

const JOB_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const JOB_B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

/** Tracks three events (the second names JOB_B), answers the first request with `fault`. */
async function afterFault(
  fault: Parameters<ReturnType<typeof rig>["server"]["faults"]["push"]>[0],
) {
  const r = rig();
  r.server.faults.push(fault);
  const ids = [
    r.tracker.track("a", { job_id: JOB_A }),
    r.tracker.track("b", { job_id: JOB_B }),
    r.tracker.track("c"),
  ];
  const flushed = r.tracker.flush();
  await r.clock.runUntil(() => r.tracker.stats().queued === 0);
  assert.equal(await flushed, true);
  const times = r.server.requests.map((q) => q.body.sent_at).map(Date.parse);
  return { ...r, ids, times };
}

Deno.test("2xx acknowledging the batch: every event is removed and counted, nothing is resent", async () => {
  const r = rig();
  for (let i = 0; i < 3; i++) r.tracker.track("e");
  assert.equal(await r.tracker.flush(), true);
  assert.equal(r.server.requests.length, 1);
  assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 3, duplicates: 0, dropped: 0 });
});

const html = (status: number, headers: Record<string, string> = {}) => () =>
  new Response(status === 204 ? null : "<html>Sign in to the Wi-Fi</html>", {
    status,
    headers: { "content-type": "text/html", ...headers },
  });

const notAcknowledgements: [string, () => Response][] = [
  ["a 302 to a portal (not followed)", html(302, { location: "https://portal.example/" })],
  ["a 200 with an HTML page", html(200)],
  ["a 204 with no body", html(204)],
  ["a 200 with an empty body", () => new Response("", { status: 200 })],
  ["a 201 whose events do not match the batch", () =>
    json(201, {
      accepted: 4,
      duplicates: 0,
      events: [1, 2, 3, 4].map((i) => ({ event_id: `x${i}`, status: "created" })),
    })],
];

for (const [name, response] of notAcknowledgements) {
  Deno.test(`${name}: nothing is removed or counted; reported with its status, then resent`, async () => {
    const r = await afterFault({ kind: "raw", response });
    const status = response().status;
    assert.deepEqual(
      r.log.errors.map((e) => [e.code, e.status]),
      [["unexpected_response", status]],
    );
    assert.equal(r.server.requests.length, 2, "the batch was sent again");
    assert.deepEqual(r.server.requests[1].body.events.map((e) => e.event_id), r.ids);
    // The fake server stored nothing on the fault, so the resend stores each event once.
    assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 3, duplicates: 0, dropped: 0 });
  });
}

for (const status of [500, 502, 503, 504]) {
  Deno.test(`${status}: the same batch is resent after a backoff, with the same event ids`, async () => {
    const r = await afterFault({ kind: "status", status });
    assert.equal(r.server.requests.length, 2);
    assert.deepEqual(
      r.server.requests[1].body.events.map((e) => e.event_id),
      r.server.requests[0].body.events.map((e) => e.event_id),
    );
    assert.ok(r.times[1] > r.times[0], "the retry waited");
    assert.equal(r.tracker.stats().sent, 3);
  });
}

Deno.test("408: resent after a backoff in smaller batches, with the same event ids", async () => {
  const r = await afterFault({ kind: "status", status: 408 });
  const sent = r.server.requests.map((q) => q.body.events.map((e) => e.event_id));
  assert.deepEqual(sent[0], r.ids);
  assert.ok(sent[1].length < sent[0].length, `the retry sent ${sent[1].length} of 3`);
  assert.ok(r.times[1] > r.times[0], "the retry waited");
  assert.deepEqual(sent.slice(1).flat().sort(), [...r.ids].sort());
  assert.equal(r.tracker.stats().sent, 3);
});

Deno.test("network error: resent after a backoff, and each event is stored once", async () => {
  const r = await afterFault({ kind: "network" });
  assert.equal(r.server.requests.length, 2);
  for (const id of r.ids) assert.equal(r.server.isStored("alice", id), true);
});

Deno.test("a lost answer after the server stored the batch: the retry is acknowledged as duplicates", async () => {
  const r = await afterFault({ kind: "lost_answer" });
  assert.equal(r.server.requests.length, 2);
  assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 0, duplicates: 3, dropped: 0 });
});

Deno.test("503 with Retry-After: the retry waits at least that long", async () => {
  const r = await afterFault({ kind: "status", status: 503, headers: { "retry-after": "5" } });
  assert.ok(r.times[1] - r.times[0] >= 5000, `waited ${r.times[1] - r.times[0]} ms`);
});

Deno.test("429 rate_limited: the retry waits at least retry_after_ms", async () => {
  const r = await afterFault({
    kind: "status",
    status: 429,
    body: { error: { code: "rate_limited", retry_after_ms: 8000 } },
    headers: { "retry-after": "2" },
  });
  assert.ok(r.times[1] - r.times[0] >= 8000, `waited ${r.times[1] - r.times[0]} ms`);
  assert.equal(r.tracker.stats().dropped, 0);
});

Deno.test("400 naming an index: only that event is dropped, the rest resent at once", async () => {
  const r = await afterFault({
    kind: "status",
    status: 400,
    body: { error: { code: "validation_failed", issues: [{ index: 1, path: "stage" }] } },
  });
  assert.deepEqual(r.server.requests[1].body.events.map((e) => e.event_id), [r.ids[0], r.ids[2]]);
  assert.equal(r.times[1], r.times[0], "resent without waiting");
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds, e.status]), [
    ["invalid_event", [r.ids[1]], 400],
  ]);
  assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 2, duplicates: 0, dropped: 1 });
});

Deno.test("403 job_not_owned: the events naming the listed jobs are dropped, the rest resent", async () => {
  const r = await afterFault({
    kind: "status",
    status: 403,
    body: { error: { code: "job_not_owned", job_ids: [JOB_B] } },
  });
  assert.deepEqual(r.server.requests[1].body.events.map((e) => e.event_id), [r.ids[0], r.ids[2]]);
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["job_not_owned", [r.ids[1]]]]);
});

Deno.test("413: the batch is split and each half is sent", async () => {
  const r = await afterFault({
    kind: "status",
    status: 413,
    body: { error: { code: "payload_too_large" } },
  });
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [3, 1, 2]);
  assert.deepEqual(r.tracker.stats(), { queued: 0, sent: 3, duplicates: 0, dropped: 0 });
});

Deno.test("413 for a single event: it is dropped as too_large", async () => {
  const r = rig();
  for (let i = 0; i < 2; i++) {
    r.server.faults.push({
      kind: "status",
      status: 413,
      body: { error: { code: "payload_too_large" } },
    });
  }
  const [big] = [r.tracker.track("big"), r.tracker.track("ok")];
  await r.tracker.flush();
  await r.clock.runUntil(() => r.tracker.stats().queued === 0);
  assert.deepEqual(r.server.requests.map((q) => q.body.events.length), [2, 1, 1]);
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["too_large", [big]]]);
});

Deno.test("401 when the refresh brings no new token: holds without resending", async () => {
  const r = rig();
  r.server.faults.push({ kind: "status", status: 401, body: {} });
  r.tracker.track("a");
  await r.clock.advance(10 * 60_000);
  assert.equal(r.server.requests.length, 1);
  assert.deepEqual(r.auth.calls.filter((force) => force), [true]);
  assert.equal(r.tracker.stats().queued, 1);
});

Deno.test("401: asks once with forceRefresh and resends with the new token", async () => {
  const r = rig();
  r.auth.refreshed = fakeToken("alice", 1);
  r.server.faults.push({ kind: "status", status: 401, body: { error: { code: "invalid_token" } } });
  r.tracker.track("a");
  await r.tracker.flush({ timeoutMs: 60_000 });
  await r.clock.runUntil(() => r.tracker.stats().queued === 0);
  assert.deepEqual(r.server.requests.map((q) => q.token), [
    fakeToken("alice"),
    fakeToken("alice", 1),
  ]);
  assert.equal(r.auth.calls.filter((force) => force).length, 1);
});

Deno.test("401 again after the refresh: holds until a different token arrives", async () => {
  const r = rig();
  r.auth.refreshed = fakeToken("alice", 1);
  const unauthorized = { kind: "status", status: 401, body: {} } as const;
  r.server.faults.push(unauthorized, unauthorized);
  const id = r.tracker.track("a");
  await r.clock.advance(10 * 60_000);
  // Two requests (the token, then the refreshed one), then nothing while held.
  assert.equal(r.server.requests.length, 2);
  assert.equal(r.auth.calls.filter((force) => force).length, 1);
  assert.equal(r.tracker.stats().queued, 1);
  r.auth.token = fakeToken("alice", 2);
  await r.clock.runUntil(() => r.tracker.stats().queued === 0);
  assert.deepEqual(r.server.requests.map((q) => q.token), [
    fakeToken("alice"),
    fakeToken("alice", 1),
    fakeToken("alice", 2),
  ]);
  assert.equal(r.server.isStored("alice", id), true);
  assert.equal(r.tracker.stats().dropped, 0);
});
