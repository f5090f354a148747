// The handler with the real supabase-js store over a fake PostgREST that refuses as the database's
// ingest limiter does: 429 rate_limited becomes the function's 429 with Retry-After and RateLimit
// fields, 413 batch_exceeds_burst its 413, and both are logged with the user but no properties.
import assert from "node:assert/strict";
import { handlerOverFakePostgrest } from "./fake_postgrest_rig.ts";
import { ALICE, ALICES_JOB, jsonOf, post, signToken } from "./test_support.ts";

// What PostgREST 12 sends for the limiter's custom errors (SQLSTATE PGRST).
const RATE_LIMITED = {
  code: "rate_limited",
  details: '{"burst": 3, "available": 1, "retry_after_ms": 1975, "events_per_second": 0.5}',
  hint: "Retry after 2 s",
  message: "Too many events: this user is over the ingest limit; nothing was stored",
};
const BATCH_EXCEEDS_BURST = {
  code: "batch_exceeds_burst",
  details: '{"burst": 3, "events": 4, "events_per_second": 0.5}',
  hint: "Send at most 3 events per request",
  message: "This batch has more events than this user's burst allows at once; split it",
};

type Responder = (url: URL) => Response;

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/** A fake PostgREST: the jobs pre-check passes, inserts get `insert`, upserts get `upsert`. */
function rig(insert: Responder, upsert: Responder = insert) {
  const requests: URL[] = [];
  const fetchImpl: typeof fetch = (input) => {
    const url = new URL(String(input));
    requests.push(url);
    if (url.pathname.endsWith("/rpc/visible_job_ids")) {
      return Promise.resolve(json([{ id: ALICES_JOB }], 200));
    }
    return Promise.resolve(url.searchParams.has("on_conflict") ? upsert(url) : insert(url));
  };
  const { handle, logs } = handlerOverFakePostgrest(fetchImpl);
  return { handle, logs, requests };
}

const refused = () => json(RATE_LIMITED, 429, { "retry-after": "2" });
const secretProperties = { email: "alice@example.com", note: "private-note" };

Deno.test("a database refusal is a 429 rate_limited with Retry-After and RateLimit fields", async () => {
  const { handle } = rig(refused);
  const response = await handle(
    post({ event: "a", job_id: ALICES_JOB }, { token: await signToken() }),
  );
  assert.equal(response.status, 429);
  assert.deepEqual((await jsonOf(response)).error, {
    code: "rate_limited",
    message: "Too many events: you are over your ingest limit; retry after Retry-After seconds",
    retry_after_ms: 1975,
  });
  assert.equal(response.headers.get("retry-after"), "2");
  assert.equal(response.headers.get("ratelimit-policy"), '"events";q=3;w=6');
  assert.equal(response.headers.get("ratelimit"), '"events";r=1;t=2');
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.match(response.headers.get("access-control-expose-headers")!, /ratelimit-policy/);
});

Deno.test("a retried batch refused by the upsert after a unique violation is a 429 too", async () => {
  const { handle, requests } = rig(
    () => json({ code: "23505", message: "duplicate key value" }, 409),
    refused,
  );
  const response = await handle(post({ event: "a" }, { token: await signToken() }));
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "2");
  assert.equal(requests.filter((u) => u.pathname.endsWith("/analytics_events")).length, 2);
});

Deno.test("a batch bigger than the burst is a 413 batch_exceeds_burst without Retry-After", async () => {
  const { handle } = rig(() => json(BATCH_EXCEEDS_BURST, 413));
  const events = Array.from({ length: 4 }, (_, i) => ({ event: `e${i}` }));
  const response = await handle(post({ events }, { token: await signToken() }));
  assert.equal(response.status, 413);
  const body = await jsonOf(response);
  assert.equal(body.error.code, "batch_exceeds_burst");
  assert.equal(body.error.burst, 3);
  assert.equal(body.error.events, 4);
  assert.equal(response.headers.get("retry-after"), null);
  assert.equal(response.headers.get("ratelimit-policy"), '"events";q=3;w=6');
});

Deno.test("a 429 is logged with the user and the wait, and without properties", async () => {
  const { handle, logs } = rig(refused);
  const token = await signToken();
  await handle(post({ events: [{ event: "a", properties: secretProperties }] }, { token }));
  assert.equal(logs.length, 1);
  assert.deepEqual(logs[0], {
    level: "info",
    msg: "track-event",
    request_id: "req-1",
    method: "POST",
    user_id: ALICE,
    events: 1,
    status: 429,
    code: "rate_limited",
    latency_ms: 0,
    retry_after_ms: 1975,
  });
  const line = JSON.stringify(logs[0]);
  assert.ok(!line.includes("alice@example.com") && !line.includes("private-note"));
  assert.ok(!line.includes(token));
});

Deno.test("a 413 batch_exceeds_burst is logged with the user and the burst", async () => {
  const { handle, logs } = rig(() => json(BATCH_EXCEEDS_BURST, 413));
  await handle(post({ event: "a", properties: secretProperties }, { token: await signToken() }));
  assert.equal(logs[0].user_id, ALICE);
  assert.equal(logs[0].status, 413);
  assert.equal(logs[0].code, "batch_exceeds_burst");
  assert.equal(logs[0].burst, 3);
  assert.ok(!JSON.stringify(logs[0]).includes("private-note"));
});
