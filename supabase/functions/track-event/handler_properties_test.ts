// Property-based: whatever JSON arrives, the handler never answers 5xx, and every row it hands
// to the store satisfies the database's constraints (so the insert cannot fail on them).
import assert from "node:assert/strict";
import fc from "fast-check";
import type { EventRow } from "./rows.ts";
import { createRig, NOW, post, signToken } from "./test_support.ts";

const JOBS = [
  "11111111-1111-4111-8111-111111111111", // visible: ALICES_JOB
  "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
  "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: anyUnit, maxLength: 40 }),
  fc.constantFrom(
    "",
    "\u0000",
    "\ud800",
    "a\udfffb",
    "\u2028",
    "\u0085",
    "😀".repeat(128),
    "😀".repeat(129),
    "é".repeat(64),
    "x".repeat(40_000),
    "__proto__",
    "constructor",
  ),
);
const deep = fc.integer({ min: 1, max: 2000 }).map((depth) =>
  JSON.parse('{"a":'.repeat(depth) + "1" + "}".repeat(depth))
);
const bigNumbers = fc.array(fc.constantFrom(1e308, 5e-324, -1.5e-300, 1e21), { maxLength: 200 })
  .map((numbers) => ({ numbers }));
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 4 }), weirdString, deep, bigNumbers);
const uuidish = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom(...JOBS),
  weirdString,
  fc.constant(null),
);
const rfc3339 = (min: string, max: string) =>
  fc.tuple(
    fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }),
    fc.constantFrom("Z", "+00:00", "-11:30", "+14:00", "z"),
  ).map(([date, offset]) => date.toISOString().replace("Z", offset));
// Client clocks are off by minutes or years, not millennia: corrections stay in range.
const validTimestamp = rfc3339("1990-01-01T00:00:00Z", "2100-01-01T00:00:00Z");
const timestampish = fc.oneof(
  rfc3339("0001-01-02T00:00:00Z", "9999-12-30T00:00:00Z"),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  weirdString,
);
const eventish = fc.record({
  event: fc.oneof(weirdString, jsonish),
  event_id: uuidish,
  job_id: uuidish,
  stage: fc.oneof(weirdString, jsonish),
  properties: fc.oneof(fc.dictionary(weirdString, jsonish, { maxKeys: 5 }), jsonish),
  context: fc.oneof(fc.dictionary(weirdString, jsonish, { maxKeys: 5 }), jsonish),
  occurred_at: timestampish,
  user_id: fc.uuid(),
  extra: jsonish,
}, { requiredKeys: [] });
// Mostly valid events, so that the insert path is exercised with every optional field...
const validEvent = fc.record({
  event: fc.string({ unit: "grapheme", minLength: 1, maxLength: 100 }),
  event_id: fc.oneof(fc.uuid(), fc.uuid().map((id) => id.toUpperCase())),
  job_id: fc.constantFrom(JOBS[0], JOBS[0].toUpperCase(), null),
  stage: fc.string({ unit: "grapheme", minLength: 1, maxLength: 50 }),
  properties: fc.dictionary(
    fc.string({ unit: "binary" }),
    fc.jsonValue({ maxDepth: 5 }).map(exactNumbersOnly),
    { maxKeys: 8 },
  ),
  context: fc.dictionary(
    fc.string({ unit: "binary" }),
    fc.jsonValue({ maxDepth: 3 }).map(exactNumbersOnly),
    { maxKeys: 4 },
  ),
  occurred_at: validTimestamp,
}, { requiredKeys: ["event"] });
// ...then the same with one field swapped for something strange.
const mutatedEvent = fc.tuple(
  validEvent,
  fc.constantFrom(
    "event",
    "event_id",
    "job_id",
    "stage",
    "properties",
    "context",
    "occurred_at",
    "user_id",
  ),
  fc.oneof(weirdString, jsonish),
).map(([event, key, value]) => ({ ...event, [key]: value }));
const eventLike = fc.oneof(
  { weight: 4, arbitrary: validEvent },
  { weight: 3, arbitrary: mutatedEvent },
  { weight: 2, arbitrary: eventish },
);
const body = fc.oneof(
  eventLike,
  fc.record({
    events: fc.array(validEvent, { minLength: 1, maxLength: 25 }),
    sent_at: validTimestamp,
  }, { requiredKeys: ["events"] }),
  fc.record({
    events: fc.oneof(fc.array(eventLike, { maxLength: 25 }), jsonish),
    sent_at: timestampish,
  }, { requiredKeys: ["events"] }),
  jsonish,
);

/** fc.jsonValue's doubles are often past 2^53, which a valid event cannot hold: fold them in. */
function exactNumbersOnly(value: unknown): unknown {
  if (typeof value === "number") {
    return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? value : value % Number.MAX_SAFE_INTEGER;
  }
  if (Array.isArray(value)) return value.map(exactNumbersOnly);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactNumbersOnly(v)]));
  }
  return value;
}

/** True when every number in `value` is stored as sent: finite and within ±(2^53 - 1). */
function exactNumbers(value: unknown): boolean {
  if (typeof value === "number") return Number.isSafeInteger(Math.trunc(value));
  if (Array.isArray(value)) return value.every(exactNumbers);
  if (value !== null && typeof value === "object") return Object.values(value).every(exactNumbers);
  return true;
}

function pgNumber(n: number): string {
  // Expand JS's exponent notation the way Postgres numeric prints it.
  const [mantissa, exponentText = "0"] = String(n).split("e");
  const sign = mantissa.startsWith("-") ? "-" : "";
  const [whole, fraction = ""] = mantissa.replace("-", "").split(".");
  const exponent = Number(exponentText);
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const padded = point > digits.length ? digits + "0".repeat(point - digits.length) : digits;
  const integer = point <= 0 ? "0" : padded.slice(0, point).replace(/^0+(?=\d)/, "");
  const decimals = point <= 0 ? "0".repeat(-point) + digits : padded.slice(point);
  return sign + integer +
    (decimals.replace(/0+$/, "") === "" && fraction.length - exponent <= 0 ? "" : "." + decimals);
}

/** Postgres's jsonb::text for a value, written independently of json_measure.ts. */
function pgText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pgText).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${
      Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pgText(v)}`).join(", ")
    }}`;
  }
  if (typeof value === "number") return Number.isFinite(value) ? pgNumber(value) : "null";
  return JSON.stringify(value);
}

function storableStrings(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof value === "string") return value.isWellFormed() && !value.includes("\u0000");
  if (Array.isArray(value)) return value.every((item) => storableStrings(item, depth + 1));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).every(([key, item]) =>
      storableStrings(key, depth) && storableStrings(item, depth + 1)
    );
  }
  return true;
}

function assertStorable(row: EventRow): void {
  assert.deepEqual(Object.keys(row).sort(), [
    "context",
    "event",
    "event_id",
    "job_id",
    "occurred_at",
    "properties",
    "stage",
  ]);
  const chars = [...row.event].length;
  assert.ok(chars >= 1 && chars <= 128 && !CONTROL.test(row.event) && storableStrings(row.event));
  if (row.stage !== null) {
    const stageChars = [...row.stage].length;
    assert.ok(
      stageChars >= 1 && stageChars <= 64 && !CONTROL.test(row.stage) && storableStrings(row.stage),
    );
  }
  assert.ok(UUID.test(row.event_id));
  assert.ok(row.job_id === null || UUID.test(row.job_id));
  assert.ok(
    row.properties !== null && typeof row.properties === "object" && !Array.isArray(row.properties),
  );
  assert.ok(storableStrings(row.properties));
  assert.ok(exactNumbers(row.properties), "no number JSON.parse changed");
  assert.ok(new TextEncoder().encode(JSON.stringify(row.properties)).byteLength <= 32768);
  assert.ok(new TextEncoder().encode(pgText(row.properties)).byteLength <= 32768);
  assert.ok(row.context !== null && typeof row.context === "object" && !Array.isArray(row.context));
  assert.ok(storableStrings(row.context));
  assert.ok(exactNumbers(row.context), "no number JSON.parse changed in context");
  assert.ok(new TextEncoder().encode(pgText(row.context)).byteLength <= 8192);
  assert.match(row.occurred_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.ok(Date.parse(row.occurred_at) <= NOW.getTime());
}

Deno.test("the Postgres text reference agrees with known outputs", () => {
  assert.equal(
    pgText({ a: [1, 1.5e-7, 1e21, -0.5, 100] }),
    `{"a": [1, 0.00000015, 1${"0".repeat(21)}, -0.5, 100]}`,
  );
});

Deno.test("any JSON body: never a 5xx, and every stored row fits the table's constraints", async () => {
  const token = await signToken();
  const seen = {
    stored: 0,
    withJob: 0,
    withStage: 0,
    withProperties: 0,
    withContext: 0,
    refused: 0,
  };
  await fc.assert(
    fc.asyncProperty(body, async (input) => {
      const rig = createRig();
      const response = await rig.handle(post(input, { token }));
      const text = await response.text();
      assert.ok(response.status < 500, `status ${response.status}: ${text}`);
      if (response.status === 200 || response.status === 201) {
        const result = JSON.parse(text);
        assert.equal(rig.store.insertCalls.length, 1);
        for (const row of rig.store.rowsInserted) assertStorable(row);
        seen.stored += rig.store.rowsInserted.length;
        seen.withJob += rig.store.rowsInserted.filter((row) => row.job_id !== null).length;
        seen.withStage += rig.store.rowsInserted.filter((row) => row.stage !== null).length;
        seen.withProperties += rig.store.rowsInserted
          .filter((row) => Object.keys(row.properties).length > 0).length;
        seen.withContext += rig.store.rowsInserted
          .filter((row) => Object.keys(row.context).length > 0).length;
        const ids = rig.store.rowsInserted.map((row) => row.event_id);
        assert.equal(new Set(ids).size, ids.length, "no event_id twice in one insert");
        assert.equal(result.accepted + result.duplicates, result.events.length);
      } else {
        assert.equal(rig.store.insertCalls.length, 0, "a refused request stores nothing");
        seen.refused++;
      }
    }),
    { numRuns: 400 },
  );
  // The generators must reach the insert with every optional field, not only refusals.
  for (const [name, count] of Object.entries(seen)) assert.ok(count >= 25, `${name}: ${count}`);
});

Deno.test("arbitrary bytes: never a 5xx", async () => {
  const token = await signToken();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), async (bytes, gzipped) => {
      const rig = createRig();
      const headers: Record<string, string> = gzipped ? { "content-encoding": "gzip" } : {};
      const response = await rig.handle(post(bytes, { token, headers }));
      assert.ok(response.status < 500, `status ${response.status}`);
    }),
    { numRuns: 200 },
  );
});
