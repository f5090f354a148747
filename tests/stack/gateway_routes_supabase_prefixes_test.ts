import assert from "node:assert/strict";
import { loadStackEnv } from "../support/stack_env.ts";

const env = await loadStackEnv();

Deno.test("the gateway answers its health route", async () => {
  const response = await fetch(`${env.apiUrl}/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: "ok" });
});

Deno.test("/rest/v1/ reaches PostgREST with the prefix stripped", async () => {
  const response = await fetch(`${env.apiUrl}/rest/v1/`, {
    headers: { apikey: env.serviceRoleKey },
  });
  assert.equal(response.status, 200);
  const spec = await response.json();
  assert.ok("/analytics_events" in spec.paths, "PostgREST's OpenAPI lists the events table");
});

Deno.test("/functions/v1/track-event reaches the function", async () => {
  const response = await fetch(`${env.apiUrl}/functions/v1/track-event`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
  });
  await response.body?.cancel();
  assert.ok(response.ok, `preflight answered ${response.status}`);
  assert.ok(
    response.headers.get("access-control-allow-origin"),
    "the function's CORS headers pass",
  );
});

Deno.test("/auth/v1/ reaches the local Auth, in GoTrue's error format", async () => {
  const health = await fetch(`${env.apiUrl}/auth/v1/health`);
  assert.equal(health.status, 200);
  assert.equal((await health.json()).name, "GoTrue");
  const refused = await fetch(`${env.apiUrl}/auth/v1/token?grant_type=password`, {
    method: "POST",
    headers: { apikey: env.anonKey, "content-type": "application/json" },
    body: JSON.stringify({ email: "nobody@example.com", password: "whatever-1" }),
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.headers.get("x-sb-error-code"), "invalid_credentials");
  assert.deepEqual(await refused.json(), {
    code: 400,
    error_code: "invalid_credentials",
    msg: "Invalid login credentials",
  });
});

Deno.test("an unknown function and an unknown prefix are 404", async () => {
  const fn = await fetch(`${env.apiUrl}/functions/v1/no-such-function`, { method: "POST" });
  assert.equal(fn.status, 404);
  await fn.body?.cancel();
  const other = await fetch(`${env.apiUrl}/graphql/v2/anything`);
  assert.equal(other.status, 404);
  await other.body?.cancel();
});
