import assert from "node:assert/strict";
import { ValidationError } from "../_shared/errors.ts";
import { planRows, referencedJobIds } from "./rows.ts";
import type { TrackedEvent } from "./schema.ts";

const RECEIVED = new Date("2026-03-01T12:00:00.000Z");
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";

function event(fields: Partial<TrackedEvent> = {}): TrackedEvent {
  return { event: "e", jobId: null, stage: null, properties: {}, context: {}, ...fields };
}

function ids() {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
}

Deno.test("every row has the same keys, and never user_id or received_at", () => {
  const plan = planRows(
    {
      events: [
        event(),
        event({ jobId: A, stage: "s", properties: { k: 1 }, context: { locale: "fr" } }),
      ],
    },
    RECEIVED,
    ids(),
  );
  for (const row of plan.rows) {
    assert.deepEqual(Object.keys(row).sort(), [
      "context",
      "event",
      "event_id",
      "job_id",
      "occurred_at",
      "properties",
      "stage",
    ]);
  }
  assert.deepEqual(plan.rows[1], {
    event_id: "00000000-0000-4000-8000-000000000002",
    event: "e",
    job_id: A,
    stage: "s",
    properties: { k: 1 },
    context: { locale: "fr" },
    occurred_at: "2026-03-01T12:00:00.000Z",
  });
});

Deno.test("missing event ids are generated; given ones are kept", () => {
  const plan = planRows({ events: [event({ eventId: A }), event()] }, RECEIVED, ids());
  assert.deepEqual(plan.eventIds, [A, "00000000-0000-4000-8000-000000000001"]);
});

Deno.test("a repeated event_id in one batch sends one row and marks the later ones", () => {
  const plan = planRows(
    {
      events: [event({ eventId: A }), event({ eventId: B }), event({ eventId: A, event: "later" })],
    },
    RECEIVED,
    ids(),
  );
  assert.deepEqual(plan.eventIds, [A, B, A]);
  assert.deepEqual(plan.repeats, [false, false, true]);
  assert.deepEqual(plan.rows.map((row) => row.event_id), [A, B]);
  assert.equal(plan.rows[0].event, "e", "the first occurrence wins");
});

Deno.test("occurred_at is skew-corrected with the batch's sent_at", () => {
  const sentAt = Date.parse("2026-03-01T15:00:00Z"); // the client clock is 3 h fast
  const plan = planRows(
    {
      events: [event({ occurredAt: Date.parse("2026-03-01T14:59:00Z") }), event()],
      sentAt,
    },
    RECEIVED,
    ids(),
  );
  assert.deepEqual(plan.rows.map((row) => row.occurred_at), [
    "2026-03-01T11:59:00.000Z",
    "2026-03-01T12:00:00.000Z",
  ]);
});

Deno.test("a correction that lands before year 1 is a 400 on that event", () => {
  const request = {
    events: [event(), event({ occurredAt: Date.parse("0001-01-01T00:00:00Z") })],
    sentAt: Date.parse("9999-01-01T00:00:00Z"),
  };
  assert.throws(() => planRows(request, RECEIVED, ids()), (error) => {
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.issues.map((issue) => [issue.index, issue.path]), [[1, "occurred_at"]]);
    return true;
  });
});

Deno.test("referenced jobs are distinct, non-null, in first-seen order", () => {
  assert.deepEqual(
    referencedJobIds([{ job_id: B }, { job_id: null }, { job_id: A }, { job_id: B }]),
    [B, A],
  );
  assert.deepEqual(referencedJobIds([{ job_id: null }]), []);
});
