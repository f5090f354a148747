// The handler with the real supabase-js store over a fake PostgREST: outages are 503s with
// Retry-After, policy rejections are 403s, and anything else is a 500 that leaks nothing.
import assert from "node:assert/strict";
import { handlerOverFakePostgrest } from "./fake_postgrest_rig.ts";
import { ALICES_JOB, jsonOf, post, signToken } from "./test_support.ts";

type Responder = (url: URL, signal?: AbortSignal) => Response | Promise<Response>;

function rig(respond: Responder) {
  let calls = 0;
  const fetchImpl: typeof fetch = (input, init) => {
    calls++;
    return Promise.resolve(respond(new URL(String(input)), init?.signal ?? undefined));
  };
  const { handle, logs } = handlerOverFakePostgrest(fetchImpl, 10);
  return { handle, logs, calls: () => calls };
}

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const jobsOk: Responder = (url) =>
  url.pathname.endsWith("/rpc/visible_job_ids") ? json([{ id: ALICES_JOB }], 200) : json([], 201);

const outages: [string, Responder][] = [
  ["the network fails", () => Promise.reject(new TypeError("connection refused"))],
  [
    "PostgREST times out",
    (_, signal) =>
      new Promise((_, reject) => signal!.addEventListener("abort", () => reject(signal!.reason))),
  ],
  [
    "PostgREST answers 503",
    () => json({ code: "PGRST001", message: "Database client error" }, 503),
  ],
  ["the gateway answers 504", () => new Response("Gateway Timeout", { status: 504 })],
];

for (const [name, respond] of outages) {
  Deno.test(`503 with Retry-After when ${name}, on the ownership query or the insert`, async () => {
    const token = await signToken();
    for (
      const [body, failing] of [[{ event: "a", job_id: ALICES_JOB }, "/rpc/visible_job_ids"], [
        { event: "a" },
        "/analytics_events",
      ]] as const
    ) {
      const { handle, logs } = rig((url, signal) =>
        url.pathname.endsWith(failing) ? respond(url, signal) : jobsOk(url)
      );
      const response = await handle(post(body, { token }));
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "2");
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
      assert.equal((await jsonOf(response)).error.code, "upstream_unavailable");
      assert.equal(logs[0].code, "upstream_unavailable");
      assert.equal(typeof logs[0].reason, "string");
    }
  });
}

Deno.test("a real 42501 from the insert is a 403 job_not_owned", async () => {
  // The job is lost between the pre-check and the insert: the second check no longer sees it.
  let refused = false;
  const { handle } = rig((url) => {
    if (url.pathname.endsWith("/rpc/visible_job_ids")) {
      return json(refused ? [] : [{ id: ALICES_JOB }], 200);
    }
    refused = true;
    return json({
      code: "42501",
      message: 'new row violates row-level security policy for table "analytics_events"',
    }, 403);
  });
  const response = await handle(
    post({ event: "a", job_id: ALICES_JOB }, { token: await signToken() }),
  );
  assert.equal(response.status, 403);
  assert.deepEqual((await jsonOf(response)).error.job_ids, [ALICES_JOB]);
});

Deno.test("PostgREST refusing the token is a 401", async () => {
  const { handle } = rig(() => json({ code: "PGRST301", message: "JWT expired" }, 401));
  const response = await handle(post({ event: "a" }, { token: await signToken() }));
  assert.equal(response.status, 401);
  assert.equal((await jsonOf(response)).error.code, "invalid_token");
});

Deno.test("an unexpected upstream error is a 500 with only a request id, and leaks nothing", async () => {
  const token = await signToken();
  const { handle, logs } = rig(() =>
    json({
      code: "23514",
      message: 'new row for relation "analytics_events" violates check constraint',
      details: `Failing row contains (secret-property-value, ${token}).`,
      hint: "insert into analytics_events ...",
    }, 400)
  );
  const response = await handle(
    post({ event: "a", properties: { password: "secret-property-value" } }, { token }),
  );
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), {
    error: { code: "internal_error", message: "Internal error", request_id: "req-1" },
  });
  assert.equal(response.headers.get("x-request-id"), "req-1");
  const logLine = JSON.stringify(logs);
  for (const leak of [token, "secret-property-value", "insert into", "violates", "password"]) {
    assert.ok(!text.includes(leak) && !logLine.includes(leak), leak);
  }
  assert.equal(logs[0].level, "error");
  assert.equal(logs[0].sqlstate, "23514");
});

Deno.test("outages are not retried inside the request", async () => {
  const r = rig(() => json({ code: "PGRST002", message: "schema cache" }, 503));
  await r.handle(post({ event: "a", job_id: ALICES_JOB }, { token: await signToken() }));
  assert.equal(r.calls(), 1);
});
