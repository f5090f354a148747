// The real supabase-js client against a fake PostgREST: fetch is injected, never patched.
import assert from "node:assert/strict";
import { UpstreamUnavailableError } from "../_shared/errors.ts";
import type { EventRow } from "./rows.ts";
import { createSupabaseStoreFactory, StoreRejectedError } from "./store.ts";

const JOB = "AAAAAAAA-0000-4000-8000-000000000001";
const ROW: EventRow = {
  event_id: "bbbbbbbb-0000-4000-8000-000000000002",
  event: "e",
  job_id: null,
  stage: null,
  properties: { k: 1 },
  context: { library: { name: "t" } },
  occurred_at: "2026-03-01T12:00:00.000Z",
};

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

function fakePostgrest(
  respond: (seen: Seen, signal?: AbortSignal) => Response | Promise<Response>,
) {
  const seen: Seen[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const entry = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
    };
    seen.push(entry);
    return await respond(entry, init?.signal ?? undefined);
  };
  return { seen, fetchImpl };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function factory(fetchImpl: typeof fetch, timeoutMs = 5000) {
  return createSupabaseStoreFactory({
    url: "http://db.test",
    anonKey: "anon-key",
    timeoutMs,
    fetch: fetchImpl,
  });
}

Deno.test("visibleJobIds is one POST to visible_job_ids with the ids in the body", async () => {
  const fake = fakePostgrest(() => json([{ id: JOB }]));
  const ids = [JOB, ...Array.from({ length: 499 }, () => crypto.randomUUID())];
  const visible = await factory(fake.fetchImpl)("user-token").visibleJobIds(ids);
  assert.deepEqual([...visible], [JOB.toLowerCase()]);
  assert.equal(fake.seen.length, 1);
  const [request] = fake.seen;
  assert.equal(request.method, "POST");
  assert.equal(request.url.pathname, "/rest/v1/rpc/visible_job_ids");
  assert.ok(request.url.href.length < 200, "500 ids do not lengthen the URL");
  assert.deepEqual(JSON.parse(request.body), { job_ids: ids });
  assert.equal(request.headers.get("authorization"), "Bearer user-token");
  assert.equal(request.headers.get("apikey"), "anon-key");
});

Deno.test("new events are stored by one plain insert that returns nothing", async () => {
  const fake = fakePostgrest(() => new Response(null, { status: 201 }));
  const other = { ...ROW, event_id: "CCCCCCCC-0000-4000-8000-000000000003" };
  const inserted = await factory(fake.fetchImpl)("user-token").insertEvents([ROW, other]);
  assert.deepEqual([...inserted], [ROW.event_id, other.event_id.toLowerCase()]);
  assert.equal(fake.seen.length, 1);
  const [request] = fake.seen;
  assert.equal(request.method, "POST");
  assert.equal(request.url.pathname, "/rest/v1/analytics_events");
  assert.equal(request.url.searchParams.get("on_conflict"), null);
  assert.equal(request.url.searchParams.get("select"), null);
  assert.doesNotMatch(request.headers.get("prefer") ?? "", /return=representation/);
  assert.equal(request.headers.get("authorization"), "Bearer user-token");
  const sent = JSON.parse(request.body);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[0], ROW);
  assert.ok(!("user_id" in sent[0]) && !("received_at" in sent[0]));
});

Deno.test("after a unique violation, an upsert ignoring duplicates names the new ids", async () => {
  const fake = fakePostgrest((seen) =>
    seen.url.searchParams.has("on_conflict")
      ? json([{ event_id: ROW.event_id.toUpperCase() }], 201)
      : json({ code: "23505", message: "duplicate key value", details: null, hint: null }, 409)
  );
  const inserted = await factory(fake.fetchImpl)("user-token").insertEvents([ROW, {
    ...ROW,
    event_id: "c",
  }]);
  assert.deepEqual([...inserted], [ROW.event_id]);
  assert.equal(fake.seen.length, 2, "the plain insert, then the upsert");
  const upsert = fake.seen[1];
  assert.equal(upsert.url.searchParams.get("on_conflict"), "user_id,event_id");
  assert.equal(upsert.url.searchParams.get("select"), "event_id");
  const prefer = upsert.headers.get("prefer") ?? "";
  assert.match(prefer, /resolution=ignore-duplicates/);
  assert.match(prefer, /return=representation/);
  assert.equal(upsert.headers.get("authorization"), "Bearer user-token");
  assert.deepEqual(JSON.parse(upsert.body), JSON.parse(fake.seen[0].body), "the same rows");
});

Deno.test("callers sharing the client never see each other's token", async () => {
  const fake = fakePostgrest(async (seen) => {
    await new Promise((resolve) =>
      setTimeout(resolve, seen.headers.get("authorization")!.endsWith("1") ? 5 : 0)
    );
    return json([]);
  });
  const storeFor = factory(fake.fetchImpl);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => storeFor(`token-${i}`)).flatMap((store) => [
      store.visibleJobIds([JOB]),
      store.insertEvents([ROW]),
    ]),
  );
  const byToken = new Map<string, number>();
  for (const request of fake.seen) {
    const token = request.headers.get("authorization")!;
    byToken.set(token, (byToken.get(token) ?? 0) + 1);
  }
  assert.equal(byToken.size, 20);
  for (const count of byToken.values()) assert.equal(count, 2);
});

const unavailable: [
  string,
  (seen: Seen, signal?: AbortSignal) => Response | Promise<Response>,
  string,
][] = [
  [
    "a refused connection",
    () => Promise.reject(new TypeError("error sending request: connection refused")),
    "network",
  ],
  [
    "a timeout",
    (_, signal) =>
      new Promise((_, reject) => signal!.addEventListener("abort", () => reject(signal!.reason))),
    "timeout",
  ],
  [
    "503 with a PostgREST connection code",
    () => json({ code: "PGRST001", message: "x" }, 503),
    "upstream 503 PGRST001",
  ],
  [
    "503 while the schema cache loads",
    () => json({ code: "PGRST002", message: "x" }, 503),
    "upstream 503 PGRST002",
  ],
  [
    "504 pool timeout",
    () => json({ code: "PGRST003", message: "x" }, 504),
    "upstream 504 PGRST003",
  ],
  [
    "502 from a proxy, not JSON",
    () => new Response("Bad Gateway", { status: 502 }),
    "upstream 502",
  ],
  [
    "a statement timeout",
    () => json({ code: "57014", message: "canceling statement" }, 500),
    "upstream 500 57014",
  ],
  [
    "a connection lost mid-query",
    () => json({ code: "08006", message: "x" }, 500),
    "sqlstate 08006",
  ],
  ["too many connections", () => json({ code: "53300", message: "x" }, 500), "sqlstate 53300"],
  [
    // PostgREST 12 answers this when Postgres terminates a pooled connection mid-query (a restart
    // or failover): the libpq error reaches it without a SQLSTATE and it defaults to 400.
    "a pooled connection broken mid-query (400 with an empty code)",
    () => json({ code: "", details: null, hint: null, message: "" }, 400),
    "upstream 400 without a code",
  ],
];

for (const [name, respond, reason] of unavailable) {
  Deno.test(`503 upstream_unavailable on ${name}, without retrying`, async () => {
    const fake = fakePostgrest(respond);
    const store = factory(fake.fetchImpl, 20)("t");
    for (const operation of [() => store.visibleJobIds([JOB]), () => store.insertEvents([ROW])]) {
      await assert.rejects(operation(), (error) => {
        assert.ok(error instanceof UpstreamUnavailableError, String(error));
        assert.equal(error.reason, reason);
        return true;
      });
    }
    assert.equal(fake.seen.length, 2, "one attempt per operation");
  });
}

Deno.test("the timeout covers the answer's body, not only its headers", async () => {
  // Headers arrive at once, then the body stalls; like fetch, the stream fails on abort.
  const stalled = (_: Seen, signal?: AbortSignal) =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("["));
          signal!.addEventListener("abort", () => controller.error(signal!.reason));
        },
      }),
      { status: 201, headers: { "content-type": "application/json" } },
    );
  const store = factory(fakePostgrest(stalled).fetchImpl, 20)("t");
  await assert.rejects(store.insertEvents([ROW]), (error) => {
    assert.ok(error instanceof UpstreamUnavailableError, String(error));
    assert.equal(error.reason, "timeout");
    return true;
  });
});

Deno.test("an upsert answered without a body created nothing", async () => {
  const fake = fakePostgrest((seen) =>
    seen.url.searchParams.has("on_conflict")
      ? new Response(null, { status: 204 })
      : json({ code: "23505", message: "duplicate key value" }, 409)
  );
  assert.deepEqual([...await factory(fake.fetchImpl)("t").insertEvents([ROW])], []);
});

Deno.test("other PostgREST errors are rejections carrying status and SQLSTATE", async () => {
  const cases: [number, string][] = [[403, "42501"], [409, "23503"], [400, "23514"], [
    401,
    "PGRST301",
  ], [400, "PGRST100"]];
  for (const [status, code] of cases) {
    const fake = fakePostgrest(() =>
      json({
        code,
        message: "new row violates row-level security policy",
        details: null,
        hint: null,
      }, status)
    );
    await assert.rejects(factory(fake.fetchImpl)("t").insertEvents([ROW]), (error) => {
      assert.ok(error instanceof StoreRejectedError);
      assert.equal(error.status, status);
      assert.equal(error.sqlState, code);
      assert.ok(!error.message.includes("row-level"), "no upstream text in the error");
      return true;
    });
  }
});

Deno.test("a 400 that is not PostgREST's JSON is a rejection, never a retry", async () => {
  // Only PostgREST's own empty-code answer means a lost connection; anything else from an
  // unknown source must not become a 503 that clients retry forever.
  for (const respond of [() => new Response("Bad Request", { status: 400 }), () => json({}, 400)]) {
    const fake = fakePostgrest(respond);
    await assert.rejects(factory(fake.fetchImpl)("t").insertEvents([ROW]), (error) => {
      assert.ok(error instanceof StoreRejectedError, String(error));
      assert.equal(error.status, 400);
      return true;
    });
  }
});

Deno.test("no request of the store asks PostgREST for a count", async () => {
  // Planned and estimated counts come from statistics over every user's rows (and the database
  // refuses them); the function needs no count at all, exact ones included.
  const fake = fakePostgrest((seen) =>
    seen.url.pathname.endsWith("/rpc/visible_job_ids")
      ? json([{ id: JOB }])
      : seen.url.searchParams.has("on_conflict")
      ? json([{ event_id: ROW.event_id }], 201)
      : json({ code: "23505", message: "duplicate key value", details: null, hint: null }, 409)
  );
  const store = factory(fake.fetchImpl)("user-token");
  await store.visibleJobIds([JOB]);
  await store.insertEvents([ROW]);
  assert.equal(fake.seen.length, 3, "the job check, the plain insert and the upsert");
  for (const request of fake.seen) {
    assert.doesNotMatch(request.headers.get("prefer") ?? "", /count=/);
  }
});
