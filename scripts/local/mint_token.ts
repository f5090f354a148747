/**
 * Prints an access token for a seeded user, as Supabase Auth would issue one, for local sign-in
 * where there is no Auth server (`scripts/stack token <user>`). Prints the token alone on stdout.
 *
 * @example
 * ```sh
 * JWT_SECRET=... deno run --allow-env scripts/local/mint_token.ts alice
 * # eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
 * ```
 */
import { SignJWT } from "jose";

/** The seeded users' ids (supabase/seed.sql). */
export const SEEDED_USERS: Record<string, string> = {
  alice: "11111111-1111-4111-8111-111111111111",
  bob: "22222222-2222-4222-8222-222222222222",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user id for a seeded name or a user id; undefined for anything else. */
export function userIdOf(user: string): string | undefined {
  return SEEDED_USERS[user] ?? (UUID.test(user) ? user.toLowerCase() : undefined);
}

/** Signs a one-hour `authenticated` token for `sub` with HS256. */
export function mintUserToken(secret: string, sub: string, seconds = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: "authenticated",
    role: "authenticated",
    session_id: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + seconds)
    .sign(new TextEncoder().encode(secret));
}

if (import.meta.main) {
  const secret = Deno.env.get("JWT_SECRET");
  const sub = userIdOf(Deno.args[0] ?? "");
  if (!secret) throw new Error("JWT_SECRET must be set");
  if (!sub) {
    console.error("usage: scripts/stack token alice|bob|<user id>");
    Deno.exit(2);
  }
  console.log(await mintUserToken(secret, sub));
}
