import assert from "node:assert/strict";
import fc from "fast-check";
import { hasDuplicateKeys } from "./duplicate_json_keys.ts";

Deno.test("repeated names are found at any depth, after unescaping", () => {
  for (
    const json of [
      '{"role":"service_role","role":"authenticated"}',
      '{"a":{"b":1,"b":2}}',
      '{"a":[1,{"x":"}","x":0}]}',
      '{"r\\u006fle":1,"role":2}',
      '{"a":"x\\"","b":1,"a":3}',
    ]
  ) assert.equal(hasDuplicateKeys(json), true, json);
});

Deno.test("equal names in different objects, and names inside strings, are not repeats", () => {
  for (
    const json of [
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{"a":"\\"a\\":1","b":"{\\"a\\":2}"}',
      '["a","a",{"a":1}]',
      '"a"',
      "{}",
    ]
  ) assert.equal(hasDuplicateKeys(json), false, json);
});

Deno.test("it agrees with a parse-based count on any JSON value", () => {
  // JSON.stringify never repeats a name, so its output never has repeats; splicing one in must
  // always be found.
  fc.assert(fc.property(fc.jsonValue(), (value) => {
    assert.equal(hasDuplicateKeys(JSON.stringify(value)), false);
    assert.equal(
      hasDuplicateKeys(`{"k":0,${JSON.stringify({ v: value }).slice(1, -1)},"k":1}`),
      true,
    );
  }));
});
