import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

const BASE = { SUPABASE_URL: "http://127.0.0.1:54321", SUPABASE_ANON_KEY: "anon", JWT_SECRET: "s" };
const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("defaults: any origin, 5 s upstream timeout, 10 s body deadline", () => {
  assert.deepEqual(loadConfig(env(BASE)), {
    supabaseUrl: "http://127.0.0.1:54321",
    anonKey: "anon",
    tokenKeys: { jwtSecret: "s", jwks: undefined },
    allowedOrigins: "*",
    upstreamTimeoutMs: 5000,
    bodyTimeoutMs: 10_000,
  });
});

Deno.test("every missing value is named at once", () => {
  assert.throws(() => loadConfig(env({})), (error: Error) => {
    for (const name of ["SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_JWKS or JWT_SECRET"]) {
      assert.ok(error.message.includes(name), name);
    }
    return true;
  });
  assert.throws(() => loadConfig(env({ ...BASE, SUPABASE_ANON_KEY: "  " })), /SUPABASE_ANON_KEY/);
});

Deno.test("SUPABASE_JWT_SECRET is an alias of JWT_SECRET", () => {
  const { JWT_SECRET: _, ...rest } = BASE;
  assert.equal(
    loadConfig(env({ ...rest, SUPABASE_JWT_SECRET: "alias" })).tokenKeys.jwtSecret,
    "alias",
  );
});

Deno.test("SUPABASE_JWKS alone is enough; symmetric keys in it are dropped", () => {
  const { JWT_SECRET: _, ...rest } = BASE;
  const key = { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k" };
  const jwks = JSON.stringify({ keys: [key, { kty: "oct", k: "c2VjcmV0" }] });
  assert.deepEqual(loadConfig(env({ ...rest, SUPABASE_JWKS: jwks })).tokenKeys.jwks, {
    keys: [key],
  });
  assert.throws(() => loadConfig(env({ ...rest, SUPABASE_JWKS: '{"keys":[]}' })), /JWT_SECRET/);
  assert.throws(() => loadConfig(env({ ...rest, SUPABASE_JWKS: "{" })), /not JSON/);
  assert.throws(() => loadConfig(env({ ...rest, SUPABASE_JWKS: "{}" })), /keys/);
});

Deno.test("allowed origins and the timeouts are read and checked", () => {
  const config = loadConfig(env({
    ...BASE,
    TRACK_EVENT_ALLOWED_ORIGINS: "https://app.example, https://admin.example",
    TRACK_EVENT_UPSTREAM_TIMEOUT_MS: "1500",
    TRACK_EVENT_BODY_TIMEOUT_MS: "2500",
  }));
  assert.deepEqual(config.allowedOrigins, ["https://app.example", "https://admin.example"]);
  assert.equal(config.upstreamTimeoutMs, 1500);
  assert.equal(config.bodyTimeoutMs, 2500);
  for (const name of ["TRACK_EVENT_UPSTREAM_TIMEOUT_MS", "TRACK_EVENT_BODY_TIMEOUT_MS"]) {
    for (const bad of ["0", "-1", "1.5", "soon"]) {
      assert.throws(() => loadConfig(env({ ...BASE, [name]: bad })), new RegExp(name));
    }
  }
  assert.throws(() => loadConfig(env({ ...BASE, SUPABASE_URL: "not a url" })), /not a URL/);
});
