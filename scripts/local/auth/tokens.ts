/**
 * Access and refresh tokens as GoTrue issues them: an HS256 access token signed with the
 * project's JWT secret, carrying the claims PostgREST, the function and supabase-js read, and an
 * opaque single-use refresh token.
 *
 * @example
 * ```ts
 * const signer = createTokenSigner({ secret, expirySeconds: 3600 });
 * const { token, expiresAt } = await signer.sign(user, sessionId, "password", issuer);
 * const claims = await signer.verify(token); // AuthError 403 bad_jwt when it is not ours
 * ```
 */
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { AuthError } from "./errors.ts";
import type { UserRow } from "./user_json.ts";

/** How the session was started, GoTrue's `amr` method names. */
export type SignInMethod = "password" | "anonymous" | "token_refresh";

export interface AccessClaims {
  sub: string;
  session_id: string;
  is_anonymous: boolean;
  role: string;
  aud: string | string[];
  exp: number;
}

export interface TokenSigner {
  sign(
    user: UserRow,
    sessionId: string,
    method: SignInMethod,
    issuer: string,
  ): Promise<{ token: string; expiresAt: number; expiresIn: number }>;
  verify(token: string): Promise<AccessClaims>;
}

export function createTokenSigner(
  options: { secret: string; expirySeconds: number; now?: () => number },
): TokenSigner {
  const key = new TextEncoder().encode(options.secret);
  const nowSeconds = () => Math.floor((options.now?.() ?? Date.now()) / 1000);
  return {
    async sign(user, sessionId, method, issuer) {
      const iat = nowSeconds();
      const expiresAt = iat + options.expirySeconds;
      const token = await new SignJWT({
        email: user.email ?? "",
        phone: user.phone ?? "",
        app_metadata: user.raw_app_meta_data ?? {},
        user_metadata: user.raw_user_meta_data ?? {},
        role: user.role ?? "authenticated",
        aal: "aal1",
        // A refresh keeps the method the session started with, as GoTrue's amr does.
        amr: [{ method, timestamp: iat }],
        session_id: sessionId,
        is_anonymous: user.is_anonymous,
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(issuer)
        .setSubject(user.id)
        .setAudience(user.aud ?? "authenticated")
        .setIssuedAt(iat)
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt, expiresIn: options.expirySeconds };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          currentDate: new Date(nowSeconds() * 1000),
        });
        return payload as unknown as AccessClaims;
      } catch (error) {
        const reason = error instanceof joseErrors.JWTExpired
          ? "token has invalid claims: token is expired"
          : "signature is invalid";
        throw new AuthError(
          403,
          "bad_jwt",
          `invalid JWT: unable to parse or verify signature, ${reason}`,
        );
      }
    },
  };
}

const REFRESH_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A new opaque refresh token: 12 random lowercase letters and digits, as GoTrue's are. */
export function newRefreshToken(): string {
  // 252 is the largest multiple of 36 below 256: no modulo bias.
  const out: string[] = [];
  while (out.length < 12) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      if (byte < 252 && out.length < 12) out.push(REFRESH_ALPHABET[byte % 36]);
    }
  }
  return out.join("");
}
