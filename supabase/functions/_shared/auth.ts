/**
 * Verifies Supabase access tokens locally with jose: no request calls the Auth server.
 *
 * @module
 */
// jose's per-function entry points: its root module loads every JWE/JWS/JWK helper too.
import * as base64url from "jose/base64url";
import { decodeProtectedHeader } from "jose/decode/protected_header";
import * as joseErrors from "jose/errors";
import { createLocalJWKSet } from "jose/jwks/local";
import { jwtVerify } from "jose/jwt/verify";
import type { JSONWebKeySet } from "jose";
import { hasDuplicateKeys } from "./duplicate_json_keys.ts";
import { AuthError } from "./errors.ts";

/** The caller, as proven by the token. */
export interface VerifiedUser {
  /** The token's `sub`, lowercased: the id `auth.uid()` returns in the database. */
  userId: string;
  /** The token's `exp`, in milliseconds since the epoch. */
  expiresAtMs: number;
}

/** Checks a token at the given instant; throws {@link AuthError} when it is not a user token. */
export type TokenVerifier = (token: string, now: Date) => Promise<VerifiedUser>;

/** Keys that tokens may be signed with. At least one must be given. */
export interface TokenKeys {
  /** The project's legacy JWT secret (HS256), used as raw UTF-8 bytes as GoTrue does. */
  jwtSecret?: string;
  /** The project's public signing keys (asymmetric). */
  jwks?: JSONWebKeySet;
}

// Algorithm allow-lists stop algorithm confusion, e.g. an HS256 token "signed" with a public key.
const SECRET_ALGORITHMS = ["HS256"];
const JWKS_ALGORITHMS = ["RS256", "ES256", "EdDSA", "Ed25519"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Builds a verifier that accepts only signed, unexpired tokens with `role = authenticated` and a
 * UUID `sub`. The anon and service_role keys are JWTs too, but not user tokens, so they fail.
 *
 * @example
 * ```ts
 * const verify = createTokenVerifier({ jwtSecret: "super-secret-jwt-token-with-at-least-32-characters" });
 * const { userId } = await verify(accessToken, new Date());
 * ```
 */
export function createTokenVerifier(keys: TokenKeys): TokenVerifier {
  const secret = keys.jwtSecret ? new TextEncoder().encode(keys.jwtSecret) : undefined;
  const jwks = keys.jwks && keys.jwks.keys.length > 0 ? createLocalJWKSet(keys.jwks) : undefined;
  if (!secret && !jwks) throw new Error("createTokenVerifier needs a JWT secret or a JWKS");

  return async (token, now) => {
    const alg = headerAlgorithm(token);
    const options = { currentDate: now, requiredClaims: ["exp", "sub"] };
    let payload: Record<string, unknown>;
    try {
      if (secret && SECRET_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, secret, {
          ...options,
          algorithms: SECRET_ALGORITHMS,
        }));
      } else if (jwks && JWKS_ALGORITHMS.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: JWKS_ALGORITHMS }));
      } else {
        throw invalid("The access token is signed with an unsupported algorithm");
      }
    } catch (error) {
      if (error instanceof AuthError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw invalid("The access token has expired");
      // jose's messages are safe, but ours are the stable contract; never pass the token on.
      throw invalid("The access token is invalid");
    }
    // jose keeps the last of two equal claim names and PostgREST the first: refuse the ambiguity.
    if (repeatsAName(token)) throw invalid("The access token repeats a claim or header name");
    if (payload.role !== "authenticated") {
      throw invalid("The access token is not a signed-in user's token");
    }
    // auth.uid() casts sub to uuid; anything else would fail later inside Postgres.
    if (typeof payload.sub !== "string" || !UUID.test(payload.sub)) {
      throw invalid("The access token has no valid user id");
    }
    return { userId: payload.sub.toLowerCase(), expiresAtMs: Number(payload.exp) * 1000 };
  };
}

/**
 * Extracts the token from `Authorization: Bearer <token>`.
 *
 * @example
 * ```ts
 * bearerToken(new Headers({ authorization: "Bearer abc" })); // "abc"
 * ```
 */
export function bearerToken(headers: Headers): string {
  const value = headers.get("authorization")?.trim() ?? "";
  if (value === "" || /^bearer$/i.test(value)) {
    throw new AuthError("missing_token", "Send the user's access token as Authorization: Bearer");
  }
  const match = /^bearer +(\S+)$/i.exec(value);
  if (!match) throw invalid("The Authorization header must be Bearer <access token>");
  return match[1];
}

function headerAlgorithm(token: string): string {
  try {
    return String(decodeProtectedHeader(token).alg);
  } catch {
    throw invalid("The access token is malformed");
  }
}

/** Runs only on signed tokens: the header and payload segments are valid base64url JSON. */
function repeatsAName(token: string): boolean {
  const [header, payload] = token.split(".", 2);
  const text = (segment: string) => new TextDecoder().decode(base64url.decode(segment));
  return hasDuplicateKeys(text(header)) || hasDuplicateKeys(text(payload));
}

function invalid(message: string): AuthError {
  return new AuthError("invalid_token", message);
}
