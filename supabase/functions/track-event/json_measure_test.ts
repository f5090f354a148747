import assert from "node:assert/strict";
import fc from "fast-check";
import { measureEvent, measureJson } from "./json_measure.ts";
import { jsonStringBytes, pgNumericLength } from "./json_text_size.ts";

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

Deno.test("jsonBytes equals the UTF-8 size of JSON.stringify for any JSON value", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assert.equal(measureJson(value).jsonBytes, utf8Length(JSON.stringify(value)));
    }),
    { numRuns: 500 },
  );
});

Deno.test("jsonBytes matches JSON.stringify for strings of any UTF-16 units", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary" }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
      (a, b) => {
        const value = { [a]: b, list: [a, b] };
        assert.equal(measureJson(value).jsonBytes, utf8Length(JSON.stringify(value)));
      },
    ),
  );
});

Deno.test("pgTextBytes follows Postgres's jsonb output: ', ' and ': ' separators", () => {
  // Postgres prints {"a": [1, 2], "b": {}} for this value.
  assert.equal(measureJson({ a: [1, 2], b: {} }).pgTextBytes, '{"a": [1, 2], "b": {}}'.length);
  assert.equal(measureJson([]).pgTextBytes, 2);
  assert.equal(measureJson("é").pgTextBytes, 4);
});

Deno.test("Postgres prints numerics without exponent", () => {
  const cases: [string, string][] = [
    ["0", "0"],
    ["-0.5", "-0.5"],
    ["123.456", "123.456"],
    ["0.001234", "0.001234"],
    ["1.5e-7", "0.00000015"],
    ["-2.5e-7", "-0.00000025"],
    ["1e+21", "1" + "0".repeat(21)],
    ["1.2345e+22", "12345" + "0".repeat(18)],
    ["5e-324", "0." + "0".repeat(323) + "5"],
  ];
  for (const [js, pg] of cases) assert.equal(pgNumericLength(js), pg.length, js);
  assert.equal(measureJson({ n: 1e300 }).pgTextBytes, '{"n": }'.length + 301);
  assert.equal(measureJson(JSON.parse("[1e999]")).jsonBytes, "[null]".length);
});

Deno.test("depth counts nested containers", () => {
  assert.equal(measureJson(1).depth, 0);
  assert.equal(measureJson({}).depth, 1);
  assert.equal(measureJson({ a: [{ b: [] }] }).depth, 4);
});

Deno.test("the walk survives nesting far beyond any call stack", () => {
  const depth = 300_000;
  const value = JSON.parse("[".repeat(depth) + "]".repeat(depth));
  const measure = measureJson(value);
  assert.equal(measure.depth, depth);
  assert.equal(measure.jsonBytes, 2 * depth);
});

Deno.test("the first string or key Postgres cannot store is located", () => {
  assert.equal(measureJson({ a: ["ok", "\ud83d\ude00"] }).unstorablePath, null);
  assert.deepEqual(measureJson({ a: ["ok", "x\u0000"] }).unstorablePath, ["a", 1]);
  assert.deepEqual(measureJson({ a: { "k\ud800": 1 } }).unstorablePath, ["a", "k\ud800"]);
  assert.deepEqual(measureJson({ b: "\udc00" }).unstorablePath, ["b"]);
  assert.equal(jsonStringBytes("\ud800").storable, false);
  assert.equal(jsonStringBytes("\udbff\udfff").storable, true);
});

Deno.test("own __proto__ keys from JSON.parse are measured like any key", () => {
  const value = JSON.parse('{"__proto__": {"x": 1}}');
  assert.equal(measureJson(value).jsonBytes, utf8Length(JSON.stringify(value)));
  assert.equal(measureJson(value).depth, 2);
});

/** Postgres's jsonb text and nesting, written the obvious (recursive) way. */
function reference(
  value: unknown,
): { pgTextBytes: number; depth: number; storable: boolean; exact: boolean } {
  if (typeof value === "string") {
    const { bytes, storable } = jsonStringBytes(value);
    return { pgTextBytes: bytes, depth: 0, storable, exact: true };
  }
  if (typeof value === "number") {
    const pgTextBytes = Number.isFinite(value) ? pgNumericLength(String(value)) : 4;
    const exact = Number.isFinite(value) && Math.abs(value) <= 2 ** 53 - 1;
    return { pgTextBytes, depth: 0, storable: true, exact };
  }
  if (value === null || typeof value === "boolean") {
    return { pgTextBytes: String(value).length, depth: 0, storable: true, exact: true };
  }
  const entries = Array.isArray(value)
    ? value.map((child) => [null, child] as const)
    : Object.entries(value as object);
  let pgTextBytes = 2 + 2 * Math.max(0, entries.length - 1);
  let depth = 0;
  let storable = true;
  let exact = true;
  for (const [key, child] of entries) {
    if (key !== null) {
      const keyText = jsonStringBytes(key);
      pgTextBytes += keyText.bytes + 2;
      storable &&= keyText.storable;
    }
    const inner = reference(child);
    pgTextBytes += inner.pgTextBytes;
    depth = Math.max(depth, inner.depth);
    storable &&= inner.storable;
    exact &&= inner.exact;
  }
  return { pgTextBytes, depth: depth + 1, storable, exact };
}

// Strings with NUL, lone surrogates and escapes, which the checks are about.
const awkwardString = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\u0000", "\ud800", "\udc00", "\ud83d\ude00", '"', "\\", "\n", "é", "€"),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
});
const awkwardJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    awkwardString,
    fc.double(),
    fc.integer(),
    fc.constantFrom(2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e21, Infinity, -Infinity, 5e-324),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value")),
    fc.dictionary(awkwardString, tie("value")),
  ),
})).value;

Deno.test("pgTextBytes, depth and storability agree with a recursive reference", () => {
  fc.assert(
    fc.property(awkwardJson, (value) => {
      const measure = measureJson(value);
      const expected = reference(value);
      assert.equal(measure.pgTextBytes, expected.pgTextBytes);
      assert.equal(measure.depth, expected.depth);
      assert.equal(measure.unstorablePath === null, expected.storable);
      assert.equal(measure.jsonBytes, utf8Length(JSON.stringify(value)));
    }),
    { numRuns: 500 },
  );
});

Deno.test("measureEvent tells what measuring the event, its properties and its context apart tells", () => {
  const event = fc.dictionary(
    fc.oneof(fc.constantFrom("event", "stage", "properties", "context", "job_id"), awkwardString),
    awkwardJson,
  );
  fc.assert(
    fc.property(event, (input) => {
      const measure = measureEvent(input);
      const whole = measureJson(input);
      assert.equal(measure.jsonBytes, whole.jsonBytes);
      assert.equal(measure.unstorableField, whole.unstorablePath?.[0]?.toString() ?? null);
      for (const field of ["properties", "context"] as const) {
        const value = input[field];
        if (typeof value === "object" && value !== null && !Array.isArray(value)) {
          const alone = measureJson(value);
          assert.deepEqual(measure[field], {
            pgTextBytes: alone.pgTextBytes,
            depth: alone.depth,
            exactNumbers: reference(value).exact,
          });
        } else {
          assert.equal(measure[field], null);
        }
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("exactNumbers is false for Infinity and integers past 2^53 - 1 in properties", () => {
  const exact = (properties: unknown) =>
    measureEvent({ event: "x", properties }).properties!.exactNumbers;
  assert.equal(exact({ a: [1, 0.5, 2 ** 53 - 1, -(2 ** 53 - 1), 5e-324] }), true);
  assert.equal(exact({ a: [1, { b: 2 ** 53 }] }), false);
  assert.equal(exact({ a: JSON.parse("-1e999") }), false);
  assert.equal(measureEvent({ event: "x", n: 2 ** 60 }).properties, null);
});
