// Every row of the contract's status table, through the handler with fakes.
import assert from "node:assert/strict";
import { StoreRejectedError } from "./store.ts";
import { UpstreamUnavailableError } from "../_shared/errors.ts";
import {
  ALICES_JOB,
  BOBS_JOB,
  createRig,
  type FakeStore,
  jsonOf,
  post,
  signToken,
  TEST_SECRET,
} from "./test_support.ts";

/** The race: the job is lost between the pre-check and the insert, which the database refuses. */
function loseJobsAtInsert(store: FakeStore, refusal: StoreRejectedError): void {
  const insert = store.insertEvents.bind(store);
  store.insertEvents = (rows) => {
    store.visibleJobs.clear();
    store.failInsert = refusal;
    return insert(rows);
  };
}

const EVENT_ID = "3f0c2a9e-7d41-4b6a-9c1e-5a2b3c4d5e6f";

interface Case {
  name: string;
  request: (token: string) => Request | Promise<Request>;
  arrange?: (store: FakeStore) => void;
  status: number;
  code?: string;
}

const asUser = (body: unknown, headers: Record<string, string> = {}) => (token: string) =>
  post(body, { token, headers });
const withToken = (claims: Record<string, unknown>, secret = TEST_SECRET) => async () =>
  post({ event: "x" }, { token: await signToken(claims, secret) });

const cases: Case[] = [
  { name: "201 when events are stored", request: asUser({ event: "app_opened" }), status: 201 },
  {
    name: "200 when every event was already stored",
    request: asUser({ event: "app_opened", event_id: EVENT_ID }),
    arrange: (store) => store.existingEventIds.add(EVENT_ID),
    status: 200,
  },
  { name: "400 bad JSON", request: asUser("{not json"), status: 400, code: "invalid_json" },
  {
    name: "400 schema violation",
    request: asUser({ event: "x", colour: "red" }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "400 user_id in the body",
    request: asUser({ event: "x", user_id: "5b8c7f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f" }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "400 a number that JSON.parse makes Infinity",
    request: asUser('{"event":"x","properties":{"a":1e999}}'),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "400 an integer past 2^53 - 1, which JSON.parse rounds",
    request: asUser('{"event":"x","properties":{"id":9007199254740993}}'),
    status: 400,
    code: "validation_failed",
  },
  { name: "400 empty batch", request: asUser({ events: [] }), status: 400, code: "empty_batch" },
  {
    name: "400 more than 500 events",
    request: asUser({ events: Array(501).fill({ event: "x" }) }),
    status: 400,
    code: "too_many_events",
  },
  {
    name: "400 NUL in properties",
    request: asUser({ event: "x", properties: { a: "\u0000" } }),
    status: 400,
    code: "validation_failed",
  },
  {
    name: "401 missing token",
    request: () => post({ event: "x" }),
    status: 401,
    code: "missing_token",
  },
  {
    name: "401 malformed token",
    request: () => post({ event: "x" }, { token: "not-a-jwt" }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 not a Bearer scheme",
    request: () => post({ event: "x" }, { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 expired token",
    request: withToken({ exp: Math.floor(Date.parse("2026-03-01T11:00:00Z") / 1000) }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 forged token",
    request: withToken({}, "another-secret-that-is-also-thirty-two-characters"),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 the anon key",
    request: withToken({ role: "anon", sub: undefined }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 the service_role key",
    request: withToken({ role: "service_role", sub: undefined }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 a token without sub",
    request: withToken({ sub: undefined }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "401 a token without exp",
    request: withToken({ exp: undefined }),
    status: 401,
    code: "invalid_token",
  },
  {
    name: "403 a job that is not the caller's",
    request: asUser({ event: "x", job_id: BOBS_JOB }),
    status: 403,
    code: "job_not_owned",
  },
  {
    name: "403 when the policy rejects the insert (42501)",
    request: asUser({ event: "x", job_id: ALICES_JOB }),
    arrange: (store) => loseJobsAtInsert(store, new StoreRejectedError(403, "42501")),
    status: 403,
    code: "job_not_owned",
  },
  {
    name: "403 when the foreign key rejects the insert (23503)",
    request: asUser({ event: "x", job_id: ALICES_JOB }),
    arrange: (store) => loseJobsAtInsert(store, new StoreRejectedError(409, "23503")),
    status: 403,
    code: "job_not_owned",
  },
  {
    name: "405 GET",
    request: () => new Request("http://localhost/track-event"),
    status: 405,
    code: "method_not_allowed",
  },
  {
    name: "413 body over 512 KiB",
    request: asUser({ event: "x", properties: { blob: "a".repeat(600 * 1024) } }),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "413 one event over 32 KiB",
    request: asUser({
      events: [{ event: "x" }, { event: "y", properties: { b: "a".repeat(33_000) } }],
    }),
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "415 not JSON",
    request: asUser("event=x", { "content-type": "application/x-www-form-urlencoded" }),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "415 an encoding other than gzip",
    request: asUser({ event: "x" }, { "content-encoding": "br" }),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "503 the database is unreachable",
    request: asUser({ event: "x" }),
    arrange: (store) => store.failInsert = new UpstreamUnavailableError("network"),
    status: 503,
    code: "upstream_unavailable",
  },
  {
    name: "500 anything else",
    request: asUser({ event: "x" }),
    arrange: (store) => store.failInsert = new Error("boom"),
    status: 500,
    code: "internal_error",
  },
];

for (const testCase of cases) {
  Deno.test(`status table: ${testCase.name}`, async () => {
    const rig = createRig();
    testCase.arrange?.(rig.store);
    const response = await rig.handle(await testCase.request(await signToken()));
    const body = response.status === 204 ? null : await jsonOf(response);
    assert.equal(response.status, testCase.status, JSON.stringify(body));
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.equal(response.headers.get("x-request-id"), "req-1");
    if (testCase.code) {
      assert.equal(body?.error.code, testCase.code);
      assert.equal(typeof body?.error.message, "string");
    } else {
      assert.equal(body?.error, undefined);
    }
    assert.equal(rig.logs.length, 1, "one log line per request");
    assert.equal(rig.logs[0].status, testCase.status);
  });
}
