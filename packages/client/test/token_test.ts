import assert from "node:assert/strict";
import { subOf } from "../src/token.ts";
import { fakeToken } from "./fakes.ts";

Deno.test("subOf reads the sub claim of a JWT, with base64url padding restored", () => {
  for (const sub of ["a", "ab", "abc", "11111111-1111-4111-8111-111111111111", "ü?>~"]) {
    assert.equal(subOf(fakeToken(sub)), sub);
  }
});

Deno.test("subOf gives an empty key for tokens without a readable sub", () => {
  for (const token of ["", "opaque", "a.b.c", `x.${btoa('{"sub":5}')}.y`, `x.${btoa("{}")}.y`]) {
    assert.equal(subOf(token), "");
  }
});
