import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseRfc3339, toIsoString } from "./rfc3339.ts";

Deno.test("RFC 3339 timestamps with an offset parse to epoch milliseconds", () => {
  const cases: [string, string][] = [
    ["2024-05-01T12:00:00Z", "2024-05-01T12:00:00.000Z"],
    ["2024-05-01t12:00:00z", "2024-05-01T12:00:00.000Z"],
    ["2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00.000Z"],
    ["2024-05-01T12:00:00-05:30", "2024-05-01T17:30:00.000Z"],
    ["2024-05-01T12:00:00.5Z", "2024-05-01T12:00:00.500Z"],
    ["2024-05-01T12:00:00.123456789Z", "2024-05-01T12:00:00.123Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["2016-12-31T23:59:60Z", "2017-01-01T00:00:00.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["0099-06-01T00:00:00Z", "0099-06-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ];
  for (const [text, iso] of cases) {
    const parsed = parseRfc3339(text);
    assert.notEqual(parsed, null, text);
    assert.equal(new Date(parsed!).toISOString(), iso, text);
  }
  assert.equal(parseRfc3339("0001-01-01T00:00:00Z"), MIN_TIMESTAMP_MS);
  assert.equal(parseRfc3339("9999-12-31T23:59:59.999Z"), MAX_TIMESTAMP_MS);
});

Deno.test("anything else is refused", () => {
  const bad = [
    "2024-05-01T12:00:00", // no offset
    "2024-05-01 12:00:00Z",
    "2024-05-01",
    "2024-5-1T12:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-05-01T24:00:00Z",
    "2024-05-01T12:60:00Z",
    "2024-05-01T12:00:61Z",
    "2024-05-01T12:00:00+24:00",
    "2024-05-01T12:00:00+0200",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00", // before year 1 in UTC
    "9999-12-31T23:59:59-01:00", // after year 9999 in UTC
    "+002024-05-01T12:00:00Z",
    "1714564800000",
    "",
    "2024-05-01T12:00:00.Z",
  ];
  for (const text of bad) assert.equal(parseRfc3339(text), null, text);
});

Deno.test("toIsoString matches Date's toISOString over the whole storable range", () => {
  const same = (ms: number) => assert.equal(toIsoString(ms), new Date(ms).toISOString(), `${ms}`);
  for (const ms of [MIN_TIMESTAMP_MS, MAX_TIMESTAMP_MS, 0, -1, 1, 86_399_999, -86_400_000]) {
    same(ms);
  }
  fc.assert(fc.property(fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }), (ms) => {
    same(ms);
    same(ms + 1); // a neighbour on the same day reuses the cached date
  }));
  // Outside the four-digit years, Date's own format is kept.
  for (const ms of [MIN_TIMESTAMP_MS - 1, MAX_TIMESTAMP_MS + 1, 0.5]) same(ms);
});
