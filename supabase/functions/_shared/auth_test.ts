import assert from "node:assert/strict";
import { base64url, exportJWK, generateKeyPair, SignJWT } from "jose";
import { bearerToken, createTokenVerifier } from "./auth.ts";
import { AuthError } from "./errors.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const SECRET = "test-secret-that-is-at-least-thirty-two-characters-long";
const USER = "5B8C7F0E-1A2B-4C3D-8E9F-0A1B2C3D4E5F";
const seconds = Math.floor(NOW.getTime() / 1000);
const claims = { sub: USER, role: "authenticated", exp: seconds + 3600, iat: seconds - 60 };

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AuthError, `expected AuthError, got ${error}`);
    return error;
  }
  assert.fail("expected the token to be rejected");
}

function hs256(payload: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
}

Deno.test("an HS256 user token yields its lowercased sub", async () => {
  const verify = createTokenVerifier({ jwtSecret: SECRET });
  assert.deepEqual(await verify(await hs256(claims), NOW), {
    userId: USER.toLowerCase(),
    expiresAtMs: claims.exp * 1000,
  });
});

Deno.test("expiry is judged by the injected clock, not the wall clock", async () => {
  const verify = createTokenVerifier({ jwtSecret: SECRET });
  const token = await hs256(claims);
  const later = new Date(NOW.getTime() + 2 * 3600_000);
  const error = await rejection(verify(token, later));
  assert.equal(error.code, "invalid_token");
  assert.match(error.message, /expired/);
});

Deno.test("tokens that are not a signed-in user's are invalid, and messages never quote them", async () => {
  const verify = createTokenVerifier({ jwtSecret: SECRET });
  const tokens = [
    "not-a-jwt",
    "a.b.c",
    await hs256(claims, "some-other-secret-of-sufficient-length-1234"),
    await hs256({ ...claims, role: "anon", sub: undefined }),
    await hs256({ ...claims, role: "service_role" }),
    await hs256({ ...claims, sub: undefined }),
    await hs256({ ...claims, sub: "not-a-uuid" }),
    await hs256({ ...claims, exp: undefined }),
    await hs256({ ...claims, nbf: seconds + 600 }),
    // alg "none": an unsigned token must never pass.
    `${btoa(JSON.stringify({ alg: "none" }))}.${btoa(JSON.stringify(claims))}.`,
  ];
  for (const token of tokens) {
    const error = await rejection(verify(token, NOW));
    assert.equal(error.code, "invalid_token");
    assert.ok(!error.message.includes(token), "the message does not quote the token");
  }
});

Deno.test("an ES256 token verifies against a JWKS built from its public key", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "ES256", use: "sig" };
  const verify = createTokenVerifier({ jwks: { keys: [jwk] } });
  const token = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "key-1" })
    .sign(privateKey);
  assert.deepEqual(await verify(token, NOW), {
    userId: USER.toLowerCase(),
    expiresAtMs: claims.exp * 1000,
  });

  const stranger = await generateKeyPair("ES256");
  const forged = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "key-1" })
    .sign(stranger.privateKey);
  assert.equal((await rejection(verify(forged, NOW))).code, "invalid_token");
});

Deno.test("an EdDSA token verifies against the JWKS too", async () => {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "ed" };
  const verify = createTokenVerifier({ jwks: { keys: [jwk] } });
  const token = await new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: "ed" })
    .sign(privateKey);
  assert.equal((await verify(token, NOW)).userId, USER.toLowerCase());
});

Deno.test("with only a JWKS, HS256 tokens are refused (no algorithm confusion)", async () => {
  const { publicKey } = await generateKeyPair("ES256", { extractable: true });
  const verify = createTokenVerifier({ jwks: { keys: [await exportJWK(publicKey)] } });
  assert.equal((await rejection(verify(await hs256(claims), NOW))).code, "invalid_token");
});

Deno.test("with a secret and a JWKS, both kinds of token verify", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const verify = createTokenVerifier({
    jwtSecret: SECRET,
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: "k" }] },
  });
  const es256 = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "k" })
    .sign(privateKey);
  assert.ok(await verify(es256, NOW));
  assert.ok(await verify(await hs256(claims), NOW));
});

Deno.test("a verifier needs at least one key", () => {
  assert.throws(() => createTokenVerifier({}), /secret or a JWKS/);
});

Deno.test("bearer tokens come from the Authorization header only", () => {
  assert.equal(bearerToken(new Headers({ authorization: "Bearer abc.def.ghi" })), "abc.def.ghi");
  assert.equal(bearerToken(new Headers({ authorization: "bearer  abc" })), "abc");
  const cases: [Headers, string][] = [
    [new Headers(), "missing_token"],
    [new Headers({ authorization: "Bearer" }), "missing_token"],
    [new Headers({ authorization: "  " }), "missing_token"],
    [new Headers({ authorization: "Basic dXNlcjpw" }), "invalid_token"],
    [new Headers({ authorization: "Bearer a b" }), "invalid_token"],
  ];
  for (const [headers, code] of cases) {
    assert.throws(
      () => bearerToken(headers),
      (error) => error instanceof AuthError && error.code === code,
    );
  }
});

/** Signs a raw payload text, so that it can repeat a name as no JSON serializer would. */
async function hs256Raw(header: string, payload: string, secret = SECRET): Promise<string> {
  const b64 = (text: string) => base64url.encode(new TextEncoder().encode(text));
  const input = `${b64(header)}.${b64(payload)}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

Deno.test("a signed token that repeats a claim or header name is invalid", async () => {
  const verify = createTokenVerifier({ jwtSecret: SECRET });
  const body = `"sub":"${USER}","exp":${claims.exp}`;
  const header = '{"alg":"HS256","typ":"JWT"}';
  // The same claims without a repeat pass, so the refusals below are about the repeat alone.
  assert.equal(
    (await verify(await hs256Raw(header, `{${body},"role":"authenticated"}`), NOW)).userId,
    USER.toLowerCase(),
  );
  const repeated = [
    [header, `{${body},"role":"service_role","role":"authenticated"}`],
    [header, `{${body},"role":"authenticated","app_metadata":{"r":1,"r":2}}`],
    ['{"alg":"none","alg":"HS256"}', `{${body},"role":"authenticated"}`],
  ];
  for (const [h, p] of repeated) {
    const error = await rejection(verify(await hs256Raw(h, p), NOW));
    assert.equal(error.code, "invalid_token");
    assert.match(error.message, /repeats/);
  }
});
