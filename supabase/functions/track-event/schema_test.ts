import assert from "node:assert/strict";
import fc from "fast-check";
import { PayloadTooLargeError, ValidationError } from "../_shared/errors.ts";
import { codePointLength } from "./event_schema.ts";
import { parseTrackRequest } from "./schema.ts";

const ID = "3F0C2A9E-7D41-4B6A-9C1E-5A2B3C4D5E6F";

function issuesOf(
  body: unknown,
): { code: string; issues: { index: number | null; path: string; message: string }[] } {
  try {
    parseTrackRequest(body);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a 400, got ${error}`);
    return { code: error.code, issues: error.issues };
  }
  assert.fail("expected the body to be refused");
}

Deno.test("a single event is a batch of one, normalized", () => {
  const parsed = parseTrackRequest({
    event: "stage_started",
    event_id: ID,
    job_id: ID,
    stage: "render",
    properties: { a: 1 },
    occurred_at: "2026-03-01T11:00:00Z",
  });
  assert.deepEqual(parsed, {
    events: [{
      event: "stage_started",
      eventId: ID.toLowerCase(),
      jobId: ID.toLowerCase(),
      stage: "render",
      properties: { a: 1 },
      context: {},
      occurredAt: Date.parse("2026-03-01T11:00:00Z"),
    }],
    sentAt: undefined,
  });
});

Deno.test("optional fields default: no id, no job, no stage, empty properties and context", () => {
  const { events } = parseTrackRequest({ event: "x", job_id: null });
  assert.deepEqual(events, [{
    event: "x",
    eventId: undefined,
    jobId: null,
    stage: null,
    properties: {},
    context: {},
    occurredAt: undefined,
  }]);
});

Deno.test("a batch carries sent_at", () => {
  const parsed = parseTrackRequest({
    events: [{ event: "a" }, { event: "b" }],
    sent_at: "2026-03-01T12:00:00+01:00",
  });
  assert.equal(parsed.events.length, 2);
  assert.equal(parsed.sentAt, Date.parse("2026-03-01T11:00:00Z"));
});

Deno.test("event names count code points like char_length, up to 128", () => {
  assert.ok(parseTrackRequest({ event: "😀".repeat(128) }));
  assert.deepEqual(issuesOf({ event: "😀".repeat(129) }).issues, [
    { index: 0, path: "event", message: "must be 1 to 128 characters" },
  ]);
  assert.equal(issuesOf({ event: "" }).issues[0].path, "event");
  assert.ok(parseTrackRequest({ event: "x", stage: "é".repeat(64) }));
  assert.equal(issuesOf({ event: "x", stage: "é".repeat(65) }).issues[0].path, "stage");
  assert.equal(issuesOf({ event: "x", stage: "" }).issues[0].path, "stage");
});

Deno.test("control characters are refused in event and stage", () => {
  for (const bad of ["a\nb", "a\tb", "\u007f", "\u0085", "\u009f", "a\u2028b", "\u2029"]) {
    assert.equal(issuesOf({ event: bad }).issues[0].path, "event", JSON.stringify(bad));
    assert.equal(issuesOf({ event: "x", stage: bad }).issues[0].path, "stage", JSON.stringify(bad));
  }
  assert.ok(parseTrackRequest({ event: "emoji 😀 and ñ and \u200b" }));
});

Deno.test("the wrong type for each field is a 400 on that field", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, "event"],
    [{ event: 1 }, "event"],
    [{ event: "x", event_id: "not-a-uuid" }, "event_id"],
    [{ event: "x", event_id: null }, "event_id"],
    [{ event: "x", job_id: 5 }, "job_id"],
    [{ event: "x", job_id: "{" + ID + "}" }, "job_id"],
    [{ event: "x", stage: null }, "stage"],
    [{ event: "x", properties: [] }, "properties"],
    [{ event: "x", properties: null }, "properties"],
    [{ event: "x", properties: "{}" }, "properties"],
    [{ event: "x", occurred_at: "yesterday" }, "occurred_at"],
    [{ event: "x", occurred_at: 1714564800000 }, "occurred_at"],
  ];
  for (const [event, path] of cases) {
    const { code, issues } = issuesOf(event);
    assert.equal(code, "validation_failed");
    assert.deepEqual(issues.map((issue) => issue.path), [path], JSON.stringify(event));
  }
});

Deno.test("unknown keys are refused; user_id gets its own message", () => {
  const { issues } = issuesOf({ event: "x", user_id: ID, colour: "red", "<script>": 1 });
  assert.deepEqual(issues, [
    {
      index: 0,
      path: "user_id",
      message: "user_id is not accepted: the user comes from the access token",
    },
    { index: 0, path: "colour", message: "is not a known field" },
    { index: 0, path: "", message: "has a field that is not known" },
  ]);
});

Deno.test("issues name the event's index in the batch", () => {
  const { issues } = issuesOf({
    events: [{ event: "ok" }, { event: "" }, "nope", { event: "x", extra: 1 }],
  });
  assert.deepEqual(issues.map((issue) => [issue.index, issue.path]), [[1, "event"], [2, ""], [
    3,
    "extra",
  ]]);
});

Deno.test("batch shape: not an object, unknown keys, bad sent_at, events not an array", () => {
  for (const body of [null, [], "x", 1, true]) assert.equal(issuesOf(body).issues[0].index, null);
  const { issues } = issuesOf({ events: "x", sent_at: "now", extra: 1 });
  assert.deepEqual(issues.map((issue) => issue.path).sort(), ["events", "extra", "sent_at"]);
  assert.ok(issues.every((issue) => issue.index === null));
});

Deno.test("an empty batch and a batch over 500 have their own codes", () => {
  assert.equal(issuesOf({ events: [] }).code, "empty_batch");
  assert.equal(issuesOf({ events: Array(501).fill({ event: "x" }) }).code, "too_many_events");
  assert.equal(parseTrackRequest({ events: Array(500).fill({ event: "x" }) }).events.length, 500);
});

Deno.test("NUL and lone surrogates anywhere in a known field are refused", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ event: "a\ud800" }, "event"],
    [{ event: "x", stage: "\udfff" }, "stage"],
    [{ event: "x", properties: { deep: [{ k: "a\u0000b" }] } }, "properties"],
    [{ event: "x", properties: { ["k\u0000"]: 1 } }, "properties"],
    [{ event: "x", properties: { ["k\udc00"]: 1 } }, "properties"],
  ];
  for (const [event, path] of cases) {
    assert.ok(issuesOf(event).issues.some((issue) => issue.path === path), JSON.stringify(event));
  }
  assert.ok(parseTrackRequest({ event: "x", properties: { "😀": "\ud83d\ude00" } }));
});

Deno.test("properties may nest 64 levels, not 65", () => {
  const nest = (levels: number) =>
    JSON.parse('{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1));
  assert.ok(parseTrackRequest({ event: "x", properties: nest(64) }));
  assert.deepEqual(issuesOf({ event: "x", properties: nest(65) }).issues, [
    { index: 0, path: "properties", message: "must not nest deeper than 64 levels" },
  ]);
});

Deno.test("an own __proto__ key in properties stays an ordinary key", () => {
  const body = JSON.parse('{"event":"x","properties":{"__proto__":{"polluted":true}}}');
  const [event] = parseTrackRequest(body).events;
  assert.deepEqual(Object.keys(event.properties), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(event.properties), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(JSON.stringify(event.properties), '{"__proto__":{"polluted":true}}');
  assert.equal(issuesOf(JSON.parse('{"event":"x","__proto__":{}}')).issues[0].path, "__proto__");
});

Deno.test("an event over 32 KiB of JSON is a 413 naming its index", () => {
  const big = { event: "x", properties: { s: "a".repeat(32 * 1024) } };
  assert.throws(() => parseTrackRequest({ events: [{ event: "ok" }, big] }), (error) => {
    assert.ok(error instanceof PayloadTooLargeError);
    assert.equal(error.details.index, 1);
    return true;
  });
  // Just under the limit passes: 32768 bytes of JSON exactly.
  const overhead = JSON.stringify({ event: "x", properties: { s: "" } }).length;
  assert.ok(parseTrackRequest({ event: "x", properties: { s: "a".repeat(32 * 1024 - overhead) } }));
});

Deno.test("size counts UTF-8 bytes, not characters", () => {
  const overhead = JSON.stringify({ event: "x", properties: { s: "" } }).length;
  const chars = Math.ceil((32 * 1024 - overhead) / 3) + 1;
  assert.throws(
    () => parseTrackRequest({ event: "x", properties: { s: "€".repeat(chars) } }),
    PayloadTooLargeError,
  );
});

Deno.test("properties whose stored jsonb text exceeds 32 KiB are a 413", () => {
  // 120 copies of 1e300 are under 2 KiB of JSON but 36 KiB of digits in Postgres.
  const properties = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`n${i}`, 1e300]));
  assert.ok(JSON.stringify(properties).length < 2048);
  assert.throws(() => parseTrackRequest({ event: "x", properties }), (error) => {
    assert.ok(error instanceof PayloadTooLargeError);
    assert.deepEqual((error.details.issues as { path: string }[])[0].path, "properties");
    return true;
  });
});

Deno.test("codePointLength counts as [...s].length does, lone surrogates included", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }), (a, b) => {
      assert.equal(codePointLength(a), [...a].length);
      assert.equal(codePointLength(b + a), [...(b + a)].length);
    }),
  );
  for (const s of ["", "\ud800", "\udc00\ud800", "\ud83d\ude00", "a\ud83d"]) {
    assert.equal(codePointLength(s), [...s].length, JSON.stringify(s));
  }
});
