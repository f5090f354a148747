// Every row of the response table, decided for a batch of three events.
import assert from "node:assert/strict";
import { type Answer, decide, describe, type Outcome } from "../src/response_action.ts";
import type { QueuedEvent } from "../src/types.ts";

const JOB_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const JOB_B = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
const NOW = Date.UTC(2026, 10, 27, 10);

const event = (id: string, job_id?: string): QueuedEvent => ({
  id,
  at: 0,
  size: 80,
  body: { event: "e", event_id: id, occurred_at: "2026-11-27T10:00:00.000Z", job_id },
});
const batch = [event("e0", JOB_A), event("e1", JOB_B), event("e2")];
const answer = (
  status: number,
  body: unknown = null,
  retryAfter: string | null = null,
): Answer => ({
  status,
  body,
  retryAfter,
});

const UNEXPECTED: Outcome = { type: "retry", atLeastMs: 0, unexpected: true };

/** The function's acknowledgement of `batch`, with one status per event, in request order. */
const ack = (statuses: string[]) => ({
  accepted: statuses.filter((s) => s === "created").length,
  duplicates: statuses.filter((s) => s === "duplicate").length,
  events: statuses.map((status, i) => ({ event_id: batch[i].id, status })),
});

const cases: [string, Answer, Outcome, QueuedEvent[]?][] = [
  [
    "201 acknowledging each event in order: remove all, counting created and duplicate",
    answer(201, ack(["created", "duplicate", "created"])),
    { type: "ack", created: 2, duplicates: 1 },
  ],
  [
    "200 (all duplicates): remove all",
    answer(200, ack(["duplicate", "duplicate", "duplicate"])),
    { type: "ack", created: 0, duplicates: 3 },
  ],
  [
    "302 (a captive portal or an SSO proxy, not followed): back off and report",
    answer(302, null),
    UNEXPECTED,
  ],
  [
    "an opaque redirect (a browser's redirect: manual): back off and report",
    { ...answer(0), redirect: true },
    UNEXPECTED,
  ],
  ["204 (no body): back off and report, remove nothing", answer(204, null), UNEXPECTED],
  ["200 with an HTML page (read as no JSON): back off and report", answer(200, null), UNEXPECTED],
  ["200 with JSON that is not an acknowledgement", answer(200, { ok: true }), UNEXPECTED],
  [
    "201 whose events outnumber the batch",
    answer(201, {
      ...ack(["created", "created", "created"]),
      events: [...ack(["created", "created", "created"]).events, {
        event_id: "e3",
        status: "created",
      }],
    }),
    UNEXPECTED,
  ],
  [
    "201 acknowledging fewer events than were sent",
    answer(201, {
      accepted: 2,
      duplicates: 0,
      events: ack(["created", "created", "created"]).events.slice(0, 2),
    }),
    UNEXPECTED,
  ],
  [
    "201 naming other event ids",
    answer(201, {
      accepted: 3,
      duplicates: 0,
      events: ["x0", "x1", "x2"].map((event_id) => ({ event_id, status: "created" })),
    }),
    UNEXPECTED,
  ],
  [
    "201 acknowledging the events out of request order",
    answer(201, {
      accepted: 3,
      duplicates: 0,
      events: ack(["created", "created", "created"]).events.reverse(),
    }),
    UNEXPECTED,
  ],
  [
    "201 with a status other than created or duplicate",
    answer(201, ack(["created", "rejected", "created"])),
    UNEXPECTED,
  ],
  [
    "201 whose counts disagree with its events",
    answer(201, { ...ack(["created", "created", "created"]), accepted: 2, duplicates: 1 }),
    UNEXPECTED,
  ],
  ["network error: back off", answer(0), { type: "retry", atLeastMs: 0 }],
  ["408: back off, and halve the batch", answer(408), { type: "retry", atLeastMs: 0, halve: true }],
  ["500: back off", answer(500), { type: "retry", atLeastMs: 0 }],
  ["502 without a body: back off", answer(502, null), { type: "retry", atLeastMs: 0 }],
  ["503 Retry-After: 2 → at least 2 s", answer(503, {}, "2"), { type: "retry", atLeastMs: 2000 }],
  [
    "503 Retry-After as an HTTP date",
    answer(503, {}, new Date(NOW + 7000).toUTCString()),
    { type: "retry", atLeastMs: 7000 },
  ],
  [
    "429 rate_limited: the longer of retry_after_ms and Retry-After",
    answer(429, { error: { code: "rate_limited", retry_after_ms: 3500 } }, "1"),
    { type: "retry", atLeastMs: 3500 },
  ],
  ["429 with only Retry-After", answer(429, {}, "4"), { type: "retry", atLeastMs: 4000 }],
  ["401: refresh the token", answer(401, { error: { code: "invalid_token" } }), {
    type: "refresh",
  }],
  [
    "400 naming indexes: drop exactly those",
    answer(400, {
      error: {
        code: "validation_failed",
        issues: [{ index: 2, path: "stage" }, { index: 0, path: "event" }, { index: 2, path: "x" }],
      },
    }),
    { type: "drop", reason: "invalid_event", ids: ["e0", "e2"] },
  ],
  [
    "400 whose indexes are all outside the batch: split",
    answer(400, { error: { code: "validation_failed", issues: [{ index: 9 }] } }),
    { type: "split" },
  ],
  [
    "400 body-level (index null): split",
    answer(400, { error: { code: "invalid_json", issues: [{ index: null, path: "" }] } }),
    { type: "split" },
  ],
  [
    "400 body-level for a single event: drop it",
    answer(400, { error: { code: "invalid_json", issues: [] } }),
    { type: "drop", reason: "invalid_event", ids: ["e0"] },
    [batch[0]],
  ],
  [
    "400 too_many_events: split",
    answer(400, { error: { code: "too_many_events", issues: [{ index: null }] } }),
    { type: "split" },
  ],
  [
    "403 job_not_owned: drop the events of the listed jobs",
    answer(403, { error: { code: "job_not_owned", job_ids: [JOB_B] } }),
    { type: "drop", reason: "job_not_owned", ids: ["e1"] },
  ],
  [
    "403 naming no job of the batch: split",
    answer(403, {
      error: { code: "job_not_owned", job_ids: ["cccccccc-0000-4000-8000-000000000000"] },
    }),
    { type: "split" },
  ],
  [
    "403 naming no job, single event: drop it",
    answer(403, { error: { code: "job_not_owned", job_ids: [] } }),
    { type: "drop", reason: "job_not_owned", ids: ["e2"] },
    [batch[2]],
  ],
  ["413: split", answer(413, { error: { code: "payload_too_large" } }), { type: "split" }],
  [
    "413 for a single event: drop it",
    answer(413, { error: { code: "payload_too_large" } }),
    { type: "drop", reason: "too_large", ids: ["e1"] },
    [batch[1]],
  ],
  [
    "422 batch_exceeds_burst: split",
    answer(422, { error: { code: "batch_exceeds_burst" } }),
    { type: "split" },
  ],
  [
    "404 (a wrong URL): back off and report, never drop",
    answer(404, "<html>"),
    { type: "retry", atLeastMs: 0, unexpected: true },
  ],
  [
    "403 from a proxy, not job_not_owned: back off and report",
    answer(403, { message: "forbidden" }),
    { type: "retry", atLeastMs: 0, unexpected: true },
  ],
];

for (const [name, given, expected, sent = batch] of cases) {
  Deno.test(`response table: ${name}`, () => {
    assert.deepEqual(decide(given, sent, NOW), expected);
  });
}

const described: [string, Answer, ReturnType<typeof describe>][] = [
  [
    "the function's error body",
    answer(403, { error: { code: "job_not_owned", message: "Not your job", job_ids: [] } }),
    { status: 403, serverCode: "job_not_owned", serverMessage: "Not your job" },
  ],
  [
    "a gateway's top-level code and message",
    answer(404, { code: "NOT_FOUND", message: "Requested function was not found" }),
    { status: 404, serverCode: "NOT_FOUND", serverMessage: "Requested function was not found" },
  ],
  [
    "an HTML page (no JSON)",
    answer(502, null),
    { status: 502, serverCode: undefined, serverMessage: undefined },
  ],
  [
    "a browser's opaque redirect: no status to tell",
    { ...answer(0), redirect: true },
    { status: undefined, serverCode: undefined, serverMessage: undefined },
  ],
  [
    "a message past 200 characters is cut",
    answer(500, { error: { code: "x", message: "m".repeat(5000) } }),
    { status: 500, serverCode: "x", serverMessage: "m".repeat(200) },
  ],
];

for (const [name, given, expected] of described) {
  Deno.test(`describe: ${name}`, () => assert.deepEqual(describe(given), expected));
}
