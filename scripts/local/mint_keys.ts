/**
 * Mints the local anon and service_role keys from the JWT secret, with the claims the supabase
 * CLI uses for its local keys, and prints them as env lines.
 *
 * @example
 * ```sh
 * JWT_SECRET=super-secret-jwt-token-with-at-least-32-characters-long \
 *   deno run --allow-env scripts/local/mint_keys.ts
 * # ANON_KEY=eyJ...
 * # SERVICE_ROLE_KEY=eyJ...
 * ```
 */
import { SignJWT } from "jose";

// The expiry of Supabase's local demo keys (2032-11-11), so the keys match `supabase status`.
const DEMO_KEY_EXPIRY = 1983812996;

/** Signs `{ iss: "supabase-demo", role, exp }` with HS256, as Supabase's local keys are. */
export function mintKey(secret: string, role: "anon" | "service_role"): Promise<string> {
  return new SignJWT({ iss: "supabase-demo", role, exp: DEMO_KEY_EXPIRY })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

if (import.meta.main) {
  const secret = Deno.env.get("JWT_SECRET");
  if (!secret) throw new Error("JWT_SECRET must be set");
  console.log(`ANON_KEY=${await mintKey(secret, "anon")}`);
  console.log(`SERVICE_ROLE_KEY=${await mintKey(secret, "service_role")}`);
}
