/**
 * Prints an access token for an existing user, as the local Auth server issues one at sign-in
 * (`scripts/stack token <user>`): it starts a real session in `auth.sessions`, so the token also
 * works for supabase-js's `getUser` and ends with a sign-out. A user that does not exist gets no
 * token. Prints the token alone on stdout.
 *
 * @example
 * ```sh
 * JWT_SECRET=... AUTH_DB_URL=postgresql://... deno run --allow-env --allow-net=127.0.0.1 \
 *   scripts/local/mint_token.ts alice
 * # eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
 * ```
 */
import postgres from "postgres";
import { createAuthStore } from "./auth/store.ts";
import { createTokenSigner } from "./auth/tokens.ts";

/** The seeded users' ids (supabase/seed.sql). */
export const SEEDED_USERS: Record<string, string> = {
  alice: "11111111-1111-4111-8111-111111111111",
  bob: "22222222-2222-4222-8222-222222222222",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user id for a seeded name or a user id; undefined for anything else (an email, say). */
export function userIdOf(user: string): string | undefined {
  return SEEDED_USERS[user] ?? (UUID.test(user) ? user.toLowerCase() : undefined);
}

const USAGE = "usage: scripts/stack token alice|bob|<user id>|<email>";

if (import.meta.main) {
  const secret = Deno.env.get("JWT_SECRET");
  const dbUrl = Deno.env.get("AUTH_DB_URL");
  const issuer = Deno.env.get("AUTH_ISSUER");
  if (!secret || !dbUrl || !issuer) {
    throw new Error("JWT_SECRET, AUTH_DB_URL and AUTH_ISSUER must be set");
  }
  const who = Deno.args[0] ?? "";
  if (!who) {
    console.error(USAGE);
    Deno.exit(2);
  }
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const id = userIdOf(who) ??
      (await sql<{ id: string }[]>`select id from auth.users where email = ${who.toLowerCase()}`)[0]
        ?.id;
    const store = createAuthStore(sql);
    const user = id ? await store.findUser(id) : null;
    if (!user) {
      console.error(
        `no user ${who} in auth.users: sign up first (README, "Local Auth"), or ${USAGE}`,
      );
      Deno.exit(1);
    }
    const { sessionId } = await store.startSession(user.id);
    const signer = createTokenSigner({ secret, expirySeconds: 3600 });
    console.log((await signer.sign(user, sessionId, "password", issuer)).token);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
