import assert from "node:assert/strict";
import { AuthError, toAuthResponse } from "./errors.ts";

const refusal = new AuthError(400, "invalid_credentials", "Invalid login credentials");
const request = (headers: HeadersInit = {}) =>
  new Request("http://127.0.0.1/auth/v1/token", { headers });

Deno.test("without an API version, GoTrue's original body: code is the status", async () => {
  const response = toAuthResponse(refusal, request(), () => {});
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("x-sb-error-code"), "invalid_credentials");
  assert.equal(response.headers.get("x-supabase-api-version"), null);
  assert.deepEqual(await response.json(), {
    code: 400,
    error_code: "invalid_credentials",
    msg: "Invalid login credentials",
  });
});

Deno.test("with X-Supabase-Api-Version 2024-01-01 or later, { code, message } and the header back", async () => {
  for (const version of ["2024-01-01", "2025-06-30"]) {
    const response = toAuthResponse(
      refusal,
      request({ "x-supabase-api-version": version }),
      () => {},
    );
    assert.equal(response.headers.get("x-supabase-api-version"), "2024-01-01");
    assert.deepEqual(await response.json(), {
      code: "invalid_credentials",
      message: "Invalid login credentials",
    });
  }
  const old = toAuthResponse(
    refusal,
    request({ "x-supabase-api-version": "2023-12-31" }),
    () => {},
  );
  assert.equal(
    (await old.json()).error_code,
    "invalid_credentials",
    "an older version: the original body",
  );
});

Deno.test("an unexpected error is a 500 with a request id, never its message", async () => {
  const logged: string[] = [];
  const secret = new Error("password authentication failed for user supabase_auth_admin");
  const response = toAuthResponse(secret, request(), (id) => logged.push(id));
  const body = await response.json();
  assert.equal(response.status, 500);
  assert.equal(body.error_code, "unexpected_failure");
  assert.deepEqual([body.error_id], logged, "the logged id is the one answered");
  assert.ok(!JSON.stringify(body).includes("password"), "no internals in the answer");
});
