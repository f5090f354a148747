import assert from "node:assert/strict";
import {
  AuthError,
  JobNotOwnedError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  RequestTimeoutError,
  toResponse,
  UnsupportedMediaTypeError,
  UpstreamUnavailableError,
  ValidationError,
} from "./errors.ts";

Deno.test("known errors keep their status, code and extra fields", async () => {
  const cases: [Error, number, string][] = [
    [new ValidationError("invalid_json", "bad"), 400, "invalid_json"],
    [new AuthError("missing_token", "no"), 401, "missing_token"],
    [new JobNotOwnedError(["j"]), 403, "job_not_owned"],
    [new MethodNotAllowedError(), 405, "method_not_allowed"],
    [new RequestTimeoutError(), 408, "request_timeout"],
    [new PayloadTooLargeError("big"), 413, "payload_too_large"],
    [new UnsupportedMediaTypeError("xml"), 415, "unsupported_media_type"],
    [new UpstreamUnavailableError("network"), 503, "upstream_unavailable"],
  ];
  for (const [error, status, code] of cases) {
    const response = toResponse(error, "req-1");
    assert.equal(response.status, status);
    const body = await response.json();
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, "string");
  }
});

Deno.test("400 lists issues, 403 lists job ids", async () => {
  const issue = { index: 0, path: "event", message: "is required" };
  const invalid = await toResponse(new ValidationError("validation_failed", "x", [issue]), "r")
    .json();
  assert.deepEqual(invalid.error.issues, [issue]);
  const forbidden = await toResponse(new JobNotOwnedError(["a", "b"]), "r").json();
  assert.deepEqual(forbidden.error.job_ids, ["a", "b"]);
});

Deno.test("protocol headers ride along: Allow, Retry-After, WWW-Authenticate", () => {
  assert.equal(toResponse(new MethodNotAllowedError(), "r").headers.get("allow"), "POST, OPTIONS");
  assert.equal(toResponse(new UpstreamUnavailableError("x"), "r").headers.get("retry-after"), "2");
  assert.equal(
    toResponse(new AuthError("invalid_token", "x"), "r").headers.get("www-authenticate"),
    'Bearer error="invalid_token"',
  );
});

Deno.test("an unknown error becomes a 500 that shows only the request id", async () => {
  const secret = new Error("insert into analytics_events ... Bearer eyJhbGciOi.secret");
  const response = toResponse(secret, "req-42");
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), {
    error: { code: "internal_error", message: "Internal error", request_id: "req-42" },
  });
  assert.doesNotMatch(text, /insert|Bearer|eyJ|stack/);
});

Deno.test("non-Error throwables are 500s too", () => {
  assert.equal(toResponse("a string", "r").status, 500);
  assert.equal(toResponse(undefined, "r").status, 500);
});

Deno.test("a 400 lists at most 100 issues, in order, and counts them all", async () => {
  const issues = Array.from({ length: 250 }, (_, index) => ({
    index,
    path: "event",
    message: "is required",
  }));
  const body = await toResponse(new ValidationError("validation_failed", "x", issues), "r").json();
  assert.deepEqual(body.error.issues, issues.slice(0, 100));
  assert.equal(body.error.issue_count, 250);
  const few = await toResponse(
    new ValidationError("validation_failed", "x", issues.slice(0, 2)),
    "r",
  )
    .json();
  assert.equal(few.error.issues.length, 2);
  assert.equal(few.error.issue_count, 2);
});

Deno.test("a 408 closes the connection", () => {
  assert.equal(toResponse(new RequestTimeoutError(), "r").headers.get("connection"), "close");
});
