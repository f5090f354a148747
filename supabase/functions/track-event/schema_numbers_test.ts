// Numbers that JSON.parse would change: Infinity and integers past 2^53 - 1 are refused with
// their path; underflow to zero is accepted as IEEE rounding.
import assert from "node:assert/strict";
import { ValidationError } from "../_shared/errors.ts";
import { parseTrackRequest } from "./schema.ts";

const INFINITY_MESSAGE = "is a number too large to store: it would become Infinity";
const UNSAFE_MESSAGE =
  "is a number beyond ±9007199254740991 that cannot be stored exactly: send it as a string";

/** Parses body text as the handler does, so that 1e999 arrives as Infinity. */
function issuesOfText(text: string) {
  try {
    parseTrackRequest(JSON.parse(text));
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a 400, got ${error}`);
    return error.issues;
  }
  assert.fail(`expected ${text} to be refused`);
}

const propertiesOf = (text: string) => parseTrackRequest(JSON.parse(text)).events[0].properties;

Deno.test("a number that overflows to Infinity is a 400 naming its path", () => {
  assert.deepEqual(issuesOfText('{"event":"x","properties":{"a":1e999}}'), [
    { index: 0, path: "properties.a", message: INFINITY_MESSAGE },
  ]);
  assert.deepEqual(issuesOfText('{"event":"x","properties":{"list":[1,2,-1e999]}}'), [
    { index: 0, path: "properties.list.2", message: INFINITY_MESSAGE },
  ]);
  const batch = '{"events":[{"event":"ok"},{"event":"x","properties":{"m":{"n":1e400}}}]}';
  assert.deepEqual(issuesOfText(batch), [
    { index: 1, path: "properties.m.n", message: INFINITY_MESSAGE },
  ]);
});

Deno.test("integers past ±(2^53 - 1), 2^53 itself included, are a 400 asking for a string", () => {
  for (const n of ["9007199254740993", "9007199254740992", "-9007199254740992", "1e21", "1e300"]) {
    assert.deepEqual(issuesOfText(`{"event":"x","properties":{"id":${n}}}`), [
      { index: 0, path: "properties.id", message: UNSAFE_MESSAGE },
    ], n);
  }
});

Deno.test("numbers JSON holds exactly enough pass unchanged", () => {
  assert.deepEqual(propertiesOf('{"event":"x","properties":{"a":9007199254740991}}'), {
    a: 9007199254740991,
  });
  assert.deepEqual(propertiesOf('{"event":"x","properties":{"a":-9007199254740991}}'), {
    a: -9007199254740991,
  });
  const text =
    '{"event":"x","properties":{"a":0.1,"b":1.5e-300,"c":5e-324,"d":4503599627370495.5}}';
  assert.deepEqual(propertiesOf(text), { a: 0.1, b: 1.5e-300, c: 5e-324, d: 4503599627370495.5 });
});

Deno.test("underflow is IEEE rounding: 1e-400 is accepted as 0", () => {
  assert.deepEqual(propertiesOf('{"event":"x","properties":{"tiny":1e-400}}'), { tiny: 0 });
});

Deno.test("a key that is not a plain name ends the path at its container", () => {
  const holds = INFINITY_MESSAGE.replace("is a number", "holds a number");
  assert.deepEqual(issuesOfText('{"event":"x","properties":{"a":{"b c":1e999}}}'), [
    { index: 0, path: "properties.a", message: holds },
  ]);
  assert.deepEqual(issuesOfText('{"event":"x","properties":{"x.y":[1e999]}}'), [
    { index: 0, path: "properties", message: holds },
  ]);
});

Deno.test("a deep path is cut to at most 200 characters", () => {
  const key = "k".repeat(60);
  const text = `{"event":"x","properties":${`{"${key}":`.repeat(20)}1e999${"}".repeat(20)}}`;
  const [issue] = issuesOfText(text);
  assert.ok(issue.path.length <= 200, issue.path);
  assert.ok(issue.path.startsWith(`properties.${key}.${key}`));
  assert.match(issue.message, /^holds a number/);
});

Deno.test("one issue per event, for its first such number", () => {
  const issues = issuesOfText('{"event":"x","properties":{"a":1,"b":1e999,"c":9007199254740993}}');
  assert.deepEqual(issues, [{ index: 0, path: "properties.b", message: INFINITY_MESSAGE }]);
});

Deno.test("outside properties a number is already the wrong type", () => {
  assert.deepEqual(issuesOfText('{"event":1e999}'), [
    { index: 0, path: "event", message: "must be a string" },
  ]);
});
