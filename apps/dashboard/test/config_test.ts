import assert from "node:assert/strict";
import { DEFAULT_REFRESH_MS, isLocalHost, readConfig } from "../src/config.ts";

const built = { supabaseUrl: "", anonKey: "anon" };

Deno.test("a local page uses its own origin, ?api= and ?refresh=", () => {
  const url = new URL("http://127.0.0.1:54321/dashboard/?api=http://127.0.0.1:9&refresh=300");
  assert.deepEqual(readConfig(url, built), {
    apiUrl: "http://127.0.0.1:9",
    anonKey: "anon",
    refreshMs: 300,
    local: true,
  });
  assert.equal(
    readConfig(new URL("http://localhost:8000/"), built).apiUrl,
    "http://localhost:8000",
  );
});

Deno.test("off localhost ?api= is ignored: the token only goes to the built project", () => {
  const url = new URL("https://dash.example.com/?api=https://attacker.example");
  const config = readConfig(url, { supabaseUrl: "https://abc.supabase.co", anonKey: "anon" });
  assert.equal(config.apiUrl, "https://abc.supabase.co");
  assert.equal(config.local, false);
});

Deno.test("a missing, malformed or tiny ?refresh= falls back to the default", () => {
  for (const refresh of ["", "abc", "5", "-1"]) {
    const url = new URL(`http://127.0.0.1/?refresh=${refresh}`);
    assert.equal(readConfig(url, built).refreshMs, DEFAULT_REFRESH_MS, `refresh=${refresh}`);
  }
});

Deno.test("only localhost and loopback addresses are local", () => {
  assert.ok(isLocalHost("localhost") && isLocalHost("127.0.0.1") && isLocalHost("[::1]"));
  for (const host of ["127.0.0.1.example.com", "localhost.example", "10.0.0.1", "example.com"]) {
    assert.equal(isLocalHost(host), false, host);
  }
});
