// However many issues a body has, an error lists the first 100 and counts the rest.
import assert from "node:assert/strict";
import { PayloadTooLargeError, ValidationError } from "../_shared/errors.ts";
import { parseTrackRequest } from "./schema.ts";

const keys = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, k) => [`k${k}`, 0]));

function refusal(body: unknown): ValidationError | PayloadTooLargeError {
  try {
    parseTrackRequest(body);
  } catch (error) {
    if (error instanceof ValidationError || error instanceof PayloadTooLargeError) return error;
    throw error;
  }
  assert.fail("expected the body to be refused");
}

Deno.test("500 events of 125 unknown keys: 62,500 issues counted, the first 100 listed", () => {
  const events = Array.from({ length: 500 }, () => ({ event: "x", ...keys(125) }));
  const error = refusal({ events });
  assert.ok(error instanceof ValidationError);
  assert.equal(error.issueCount, 62_500);
  assert.equal(error.issues.length, 100);
  assert.deepEqual(error.issues[0], { index: 0, path: "k0", message: "is not a known field" });
  assert.deepEqual(error.issues[99], { index: 0, path: "k99", message: "is not a known field" });
  assert.equal(error.details.issue_count, 62_500);
});

Deno.test("one event with 3,000 unknown keys (under 32 KiB) is counted, not listed", () => {
  const error = refusal({ event: "x", ...keys(3_000) });
  assert.ok(error instanceof ValidationError);
  assert.equal(error.issueCount, 3_000);
  assert.equal(error.issues.length, 100);
});

Deno.test("a batch body with 60,000 unknown keys is counted, not listed", () => {
  const error = refusal({ events: [{ event: "x" }], ...keys(60_000) });
  assert.ok(error instanceof ValidationError);
  assert.equal(error.issueCount, 60_000);
  assert.equal(error.issues.length, 100);
  assert.ok(error.issues.every((issue) => issue.index === null));
});

Deno.test("500 events over the stored-size limit: a 413 listing 100 of them", () => {
  // 110 numbers like 1.5e-300 take 303 bytes each once Postgres prints them: over 32 KiB.
  const properties = Object.fromEntries(Array.from({ length: 110 }, (_, i) => [`n${i}`, 1.5e-300]));
  const error = refusal({
    events: Array.from({ length: 500 }, () => ({ event: "x", properties })),
  });
  assert.ok(error instanceof PayloadTooLargeError);
  assert.equal((error.details.issues as unknown[]).length, 100);
  assert.equal(error.details.issue_count, 500);
  assert.equal(error.details.index, 0);
});
