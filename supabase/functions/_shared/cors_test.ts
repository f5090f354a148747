import assert from "node:assert/strict";
import { corsHeaders, parseAllowedOrigins } from "./cors.ts";

Deno.test("allowed origins default to any origin", () => {
  assert.equal(parseAllowedOrigins(undefined), "*");
  assert.equal(parseAllowedOrigins(" "), "*");
  assert.equal(parseAllowedOrigins("https://a.example, *"), "*");
});

Deno.test("an origin list is trimmed, lowercased and stripped of trailing slashes", () => {
  assert.deepEqual(parseAllowedOrigins(" https://A.example/ ,,https://b.example:8443"), [
    "https://a.example",
    "https://b.example:8443",
  ]);
});

Deno.test("any origin gets a wildcard and no Vary", () => {
  const headers = corsHeaders("https://evil.example", "*");
  assert.equal(headers["Access-Control-Allow-Origin"], "*");
  assert.equal(headers["Vary"], undefined);
  assert.equal(headers["Access-Control-Allow-Methods"], "POST, OPTIONS");
  assert.match(headers["Access-Control-Allow-Headers"], /authorization/);
  assert.match(headers["Access-Control-Allow-Headers"], /content-encoding/);
  assert.match(headers["Access-Control-Expose-Headers"], /x-request-id/);
  assert.match(headers["Access-Control-Expose-Headers"], /retry-after/);
  assert.match(headers["Access-Control-Expose-Headers"], /ratelimit, ratelimit-policy/);
});

Deno.test("a listed origin is echoed with Vary: Origin", () => {
  const headers = corsHeaders("https://App.example", ["https://app.example"]);
  assert.equal(headers["Access-Control-Allow-Origin"], "https://App.example");
  assert.equal(headers["Vary"], "Origin");
});

Deno.test("an unlisted or missing origin gets no Allow-Origin but still Vary", () => {
  for (const origin of ["https://evil.example", null]) {
    const headers = corsHeaders(origin, ["https://app.example"]);
    assert.equal(headers["Access-Control-Allow-Origin"], undefined);
    assert.equal(headers["Vary"], "Origin");
  }
});
