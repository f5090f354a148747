/**
 * Builds the local Auth handler from the environment the gateway is started with:
 * `GATEWAY_AUTH_DB_URL` (Postgres as supabase_auth_admin), `JWT_SECRET`, and optionally
 * `AUTH_JWT_EXPIRY` (seconds, GoTrue's default 3600).
 *
 * @example
 * ```ts
 * const auth = authFromEnv(); // undefined when GATEWAY_AUTH_DB_URL is not set
 * ```
 */
import postgres from "postgres";
import { createAuthHandler } from "./handler.ts";
import { createAuthStore } from "./store.ts";
import { createTokenSigner } from "./tokens.ts";

export function authFromEnv(): ((request: Request) => Promise<Response>) | undefined {
  const dbUrl = Deno.env.get("GATEWAY_AUTH_DB_URL");
  if (!dbUrl) return undefined;
  const secret = Deno.env.get("JWT_SECRET");
  if (!secret) throw new Error("JWT_SECRET must be set for the local Auth server");
  const expirySeconds = Number(Deno.env.get("AUTH_JWT_EXPIRY") || 3600);
  if (!Number.isInteger(expirySeconds) || expirySeconds <= 0) {
    throw new Error("AUTH_JWT_EXPIRY must be a positive integer");
  }
  // A statement that hangs must not hold a sign-in forever: the gateway's clients give up first.
  const sql = postgres(dbUrl, {
    max: 4,
    idle_timeout: 30,
    connect_timeout: 5,
    connection: { statement_timeout: 5_000, application_name: "track-event local auth" },
    onnotice: () => {},
  });
  return createAuthHandler({
    store: createAuthStore(sql),
    signer: createTokenSigner({ secret, expirySeconds }),
    // The request id only, and the error's name: never a password, token or query parameter.
    log: (requestId, error) =>
      console.error(JSON.stringify({
        level: "error",
        msg: "auth request failed",
        request_id: requestId,
        error: error instanceof Error ? error.name : typeof error,
        code: (error as { code?: string } | null)?.code,
      })),
  });
}
