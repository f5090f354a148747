import assert from "node:assert/strict";
import fc from "fast-check";
import { correctOccurredAt } from "./clock_skew.ts";

const received = Date.parse("2026-03-01T12:00:00Z");
const hour = 3_600_000;

Deno.test("with sent_at, occurred_at keeps its distance before sending", () => {
  // The client's clock is an hour fast; it sent the event 5 s after it happened.
  const sentAt = received + hour;
  assert.equal(
    correctOccurredAt({ occurredAt: sentAt - 5000, sentAt, receivedAt: received }),
    received - 5000,
  );
  // An hour slow works the same way.
  const slow = received - hour;
  assert.equal(
    correctOccurredAt({ occurredAt: slow - 5000, sentAt: slow, receivedAt: received }),
    received - 5000,
  );
});

Deno.test("without occurred_at the event happened on receipt", () => {
  assert.equal(correctOccurredAt({ receivedAt: received }), received);
  assert.equal(correctOccurredAt({ sentAt: received - hour, receivedAt: received }), received);
});

Deno.test("without sent_at, occurred_at is taken as is", () => {
  assert.equal(
    correctOccurredAt({ occurredAt: received - hour, receivedAt: received }),
    received - hour,
  );
});

Deno.test("a time still in the future after correction is clamped to receipt", () => {
  assert.equal(correctOccurredAt({ occurredAt: received + hour, receivedAt: received }), received);
  // occurred_at after sent_at: impossible, so clamped as well.
  assert.equal(
    correctOccurredAt({ occurredAt: received + 10, sentAt: received, receivedAt: received }),
    received,
  );
});

Deno.test("the result is never after receipt, for any inputs", () => {
  const instant = fc.integer({ min: -62135596800000, max: 253402300799999 });
  fc.assert(
    fc.property(
      fc.option(instant, { nil: undefined }),
      fc.option(instant, { nil: undefined }),
      instant,
      (occurredAt, sentAt, receivedAt) => {
        assert.ok(correctOccurredAt({ occurredAt, sentAt, receivedAt }) <= receivedAt);
      },
    ),
  );
});
