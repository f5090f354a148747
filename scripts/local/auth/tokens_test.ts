import assert from "node:assert/strict";
import { AuthError } from "./errors.ts";
import { createTokenSigner, newRefreshToken } from "./tokens.ts";
import type { UserRow } from "./user_json.ts";

const SECRET = "a-local-secret-of-at-least-32-characters!";
const user = {
  id: "11111111-1111-4111-8111-111111111111",
  aud: "authenticated",
  role: "authenticated",
  email: "alice@example.com",
  phone: null,
  raw_app_meta_data: { provider: "email" },
  raw_user_meta_data: {},
  is_anonymous: false,
} as unknown as UserRow;

Deno.test("an access token carries GoTrue's claims and verifies with the same secret", async () => {
  const signer = createTokenSigner({
    secret: SECRET,
    expirySeconds: 3600,
    now: () => 1_800_000_000_000,
  });
  const { token, expiresAt, expiresIn } = await signer.sign(
    user,
    "5e55f00d-0000-4000-8000-000000000000",
    "password",
    "http://127.0.0.1:54321/auth/v1",
  );
  assert.deepEqual([expiresAt, expiresIn], [1_800_003_600, 3600]);
  const claims = await signer.verify(token) as unknown as Record<string, unknown>;
  assert.equal(claims.sub, user.id);
  assert.equal(claims.aud, "authenticated");
  assert.equal(claims.role, "authenticated");
  assert.equal(claims.email, "alice@example.com");
  assert.equal(claims.is_anonymous, false);
  assert.equal(claims.session_id, "5e55f00d-0000-4000-8000-000000000000");
  assert.equal(claims.iss, "http://127.0.0.1:54321/auth/v1");
  assert.equal(claims.iat, 1_800_000_000);
  assert.equal(claims.exp, 1_800_003_600);
});

Deno.test("a token of another secret, an expired one, or garbage is a 403 bad_jwt", async () => {
  let now = 1_800_000_000_000;
  const signer = createTokenSigner({ secret: SECRET, expirySeconds: 60, now: () => now });
  const other = createTokenSigner({ secret: `${SECRET}x`, expirySeconds: 60, now: () => now });
  const foreign = (await other.sign(user, "s", "password", "i")).token;
  const mine = (await signer.sign(user, "s", "password", "i")).token;
  now += 61_000;
  for (const token of [foreign, mine, "not.a.jwt"]) {
    await assert.rejects(signer.verify(token), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.deepEqual([error.status, error.code], [403, "bad_jwt"]);
      return true;
    });
  }
});

Deno.test("refresh tokens are 12 random lowercase letters and digits", () => {
  const tokens = new Set(Array.from({ length: 200 }, newRefreshToken));
  assert.equal(tokens.size, 200, "no repeats");
  for (const token of tokens) assert.match(token, /^[a-z0-9]{12}$/);
});
