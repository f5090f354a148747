import assert from "node:assert/strict";
import { AuthError } from "./errors.ts";
import { readCredentials, readJsonBody, readUserChanges } from "./requests.ts";
import type { UserRow } from "./user_json.ts";

function refusal(fn: () => unknown): [number, string] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AuthError);
    return [error.status, error.code];
  }
  throw new Error("not refused");
}

Deno.test("sign-up checks the email's format and the password's length, as GoTrue does", () => {
  assert.deepEqual(readCredentials({ email: " Ann@Example.COM ", password: "secret" }, "signup"), {
    email: "ann@example.com",
    password: "secret",
  });
  assert.deepEqual(
    refusal(() => readCredentials({ email: "ann@", password: "secret" }, "signup")),
    [400, "validation_failed"],
  );
  assert.deepEqual(
    refusal(() => readCredentials({ email: "ann@example.com", password: "12345" }, "signup")),
    [422, "weak_password"],
  );
  assert.deepEqual(refusal(() => readCredentials({ email: "ann@example.com" }, "signup")), [
    400,
    "validation_failed",
  ]);
});

Deno.test("an anonymous user cannot set a password without linking an email", () => {
  const anonymous = { email: null, is_anonymous: true } as UserRow;
  assert.deepEqual(refusal(() => readUserChanges({ password: "secret-1" }, anonymous)), [
    422,
    "validation_failed",
  ]);
  assert.deepEqual(readUserChanges({ email: "a@example.com", password: "secret-1" }, anonymous), {
    email: "a@example.com",
    password: "secret-1",
  });
});

Deno.test("a body that is not a JSON object is a 400 that does not echo it", async () => {
  for (const body of ["{", "[1]", '"text"']) {
    const request = new Request("http://x/auth/v1/signup", { method: "POST", body });
    await assert.rejects(readJsonBody(request), (error: unknown) => {
      assert.ok(error instanceof AuthError && error.code === "bad_json");
      assert.ok(!error.message.includes(body));
      return true;
    });
  }
});
