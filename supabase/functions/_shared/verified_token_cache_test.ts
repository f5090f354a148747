import assert from "node:assert/strict";
import { AuthError } from "./errors.ts";
import type { TokenVerifier } from "./auth.ts";
import { cacheVerifiedTokens } from "./verified_token_cache.ts";

const T0 = new Date("2026-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

/** A verifier fake that counts its calls: tokens named "bad" fail, others expire at T0 + 10 s. */
function countingVerifier(): { verify: TokenVerifier; calls: string[] } {
  const calls: string[] = [];
  const verify: TokenVerifier = (token, now) => {
    calls.push(token);
    if (token.startsWith("bad")) {
      return Promise.reject(new AuthError("invalid_token", "The access token is invalid"));
    }
    const expiresAtMs = T0.getTime() + 10_000;
    if (now.getTime() >= expiresAtMs) {
      return Promise.reject(new AuthError("invalid_token", "The access token has expired"));
    }
    return Promise.resolve({ userId: `user-of-${token}`, expiresAtMs });
  };
  return { verify, calls };
}

Deno.test("a verified token is answered from the cache until it expires", async () => {
  const { verify, calls } = countingVerifier();
  const cached = cacheVerifiedTokens(verify, { maxEntries: 10, maxAgeMs: 60_000 });
  assert.equal((await cached("a", at(0))).userId, "user-of-a");
  assert.equal((await cached("a", at(5_000))).userId, "user-of-a");
  assert.deepEqual(calls, ["a"], "the second call did not verify again");
  await assert.rejects(
    cached("a", at(10_000)),
    /expired/,
    "at exp the token is re-verified and fails",
  );
  assert.deepEqual(calls, ["a", "a"]);
});

Deno.test("a failed verification is never cached", async () => {
  const { verify, calls } = countingVerifier();
  const cached = cacheVerifiedTokens(verify, { maxEntries: 10, maxAgeMs: 60_000 });
  await assert.rejects(cached("bad-token", at(0)), AuthError);
  await assert.rejects(cached("bad-token", at(1)), AuthError);
  assert.deepEqual(calls, ["bad-token", "bad-token"]);
});

Deno.test("a token differing in any byte is verified afresh", async () => {
  const { verify, calls } = countingVerifier();
  const cached = cacheVerifiedTokens(verify, { maxEntries: 10, maxAgeMs: 60_000 });
  await cached("token", at(0));
  await assert.rejects(cached("bad-token", at(0)), AuthError);
  assert.deepEqual(calls, ["token", "bad-token"]);
});

Deno.test("entries live at most maxAgeMs, and the oldest go first when full", async () => {
  const { verify, calls } = countingVerifier();
  const cached = cacheVerifiedTokens(verify, { maxEntries: 2, maxAgeMs: 1_000 });
  await cached("a", at(0));
  await cached("a", at(1_000));
  assert.deepEqual(calls, ["a", "a"], "re-verified after maxAgeMs");
  await cached("b", at(1_000));
  await cached("c", at(1_000));
  await cached("a", at(1_001));
  assert.deepEqual(calls, ["a", "a", "b", "c", "a"], "a was evicted as the oldest");
  await cached("c", at(1_002));
  assert.equal(calls.length, 5, "c is still cached");
});
