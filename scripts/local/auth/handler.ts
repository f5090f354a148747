/**
 * The local Auth server's routes under `/auth/v1`: enough of GoTrue's API for supabase-js's
 * auth client (sign-up, password and anonymous sign-in, refresh, `getUser`, `updateUser`,
 * sign-out), with GoTrue's status codes, error codes and session JSON. Local only: with Docker,
 * `supabase start` runs the real GoTrue behind the same URLs.
 *
 * @example
 * ```ts
 * const auth = createAuthHandler({ store, signer, log: console.error });
 * const response = await auth(new Request(`${api}/auth/v1/token?grant_type=password`, init));
 * ```
 */
import { AuthError, authJson, toAuthResponse } from "./errors.ts";
import { readCredentials, readJsonBody, readUserChanges, stringField } from "./requests.ts";
import type { AuthStore } from "./store.ts";
import type { AccessClaims, SignInMethod, TokenSigner } from "./tokens.ts";
import { userJson, type UserRow } from "./user_json.ts";

export interface AuthDeps {
  store: AuthStore;
  signer: TokenSigner;
  log: (requestId: string, error: unknown) => void;
}

// As hosted Supabase answers preflights: any origin, the headers supabase-js sends.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers":
    "authorization, apikey, content-type, x-client-info, x-supabase-api-version",
  "access-control-expose-headers": "x-sb-error-code, x-supabase-api-version",
};

export function createAuthHandler(deps: AuthDeps): (request: Request) => Promise<Response> {
  const { store, signer } = deps;

  async function session(
    request: Request,
    user: UserRow,
    sessionId: string,
    refreshToken: string,
    method: SignInMethod,
  ) {
    const issuer = `${new URL(request.url).origin}/auth/v1`;
    const access = await signer.sign(user, sessionId, method, issuer);
    return authJson(200, {
      access_token: access.token,
      token_type: "bearer",
      expires_in: access.expiresIn,
      expires_at: access.expiresAt,
      refresh_token: refreshToken,
      user: userJson(user),
    });
  }

  async function signIn(request: Request, user: UserRow, method: SignInMethod) {
    const { sessionId, refreshToken } = await store.startSession(user.id);
    // startSession stamped last_sign_in_at: answer with the row as it is now.
    return session(
      request,
      (await store.findUser(user.id)) ?? user,
      sessionId,
      refreshToken,
      method,
    );
  }

  /** The caller's verified claims and user, as GoTrue's requireAuthentication finds them. */
  async function authenticate(request: Request): Promise<{ claims: AccessClaims; user: UserRow }> {
    const bearer = request.headers.get("authorization")?.match(/^bearer\s+(\S+)$/i)?.[1];
    if (!bearer) {
      throw new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token");
    }
    const claims = await signer.verify(bearer);
    if (!claims.sub) throw new AuthError(403, "bad_jwt", "invalid claim: missing sub claim");
    const user = /^[0-9a-f-]{36}$/i.test(claims.sub) ? await store.findUser(claims.sub) : null;
    if (!user) {
      throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
    }
    if (!claims.session_id || !(await store.sessionExists(claims.session_id))) {
      throw new AuthError(
        403,
        "session_not_found",
        "Session from session_id claim in JWT does not exist",
      );
    }
    return { claims, user };
  }

  const routes: Record<string, (request: Request, url: URL) => Promise<Response>> = {
    "GET /health": () =>
      Promise.resolve(
        authJson(200, {
          version: "local",
          name: "GoTrue",
          description: "track-event's local Auth",
        }),
      ),
    "GET /settings": () =>
      Promise.resolve(authJson(200, {
        external: { email: true, phone: false, anonymous_users: true },
        disable_signup: false,
        mailer_autoconfirm: true,
        phone_autoconfirm: false,
      })),
    "POST /signup": async (request) => {
      const body = await readJsonBody(request);
      const metadata = (body.data && typeof body.data === "object" ? body.data : {}) as Record<
        string,
        unknown
      >;
      if (
        !stringField(body, "email") && !stringField(body, "phone") && !stringField(body, "password")
      ) {
        const user = await store.createUser({
          email: null,
          password: null,
          isAnonymous: true,
          metadata,
        });
        return signIn(request, user, "anonymous");
      }
      const { email, password } = readCredentials(body, "signup");
      const user = await store.createUser({ email, password, isAnonymous: false, metadata });
      // Local email sign-ups are confirmed at once (mailer_autoconfirm), so they get a session.
      return signIn(request, user, "password");
    },
    "POST /token": async (request, url) => {
      const grant = url.searchParams.get("grant_type");
      const body = await readJsonBody(request);
      if (grant === "password") {
        const { email, password } = readCredentials(body, "login");
        const user = await store.userWithPassword(email, password);
        if (!user) throw new AuthError(400, "invalid_credentials", "Invalid login credentials");
        if (user.banned_until && user.banned_until > new Date()) {
          throw new AuthError(400, "user_banned", "User is banned");
        }
        return signIn(request, user, "password");
      }
      if (grant === "refresh_token") {
        const token = stringField(body, "refresh_token");
        if (!token) throw new AuthError(400, "validation_failed", "refresh_token required");
        const refreshed = await store.refresh(token);
        return session(
          request,
          refreshed.user,
          refreshed.sessionId,
          refreshed.refreshToken,
          "token_refresh",
        );
      }
      throw new AuthError(400, "invalid_credentials", "unsupported_grant_type");
    },
    "GET /user": async (request) => authJson(200, userJson((await authenticate(request)).user)),
    "PUT /user": async (request) => {
      const { user } = await authenticate(request);
      const changes = readUserChanges(await readJsonBody(request), user);
      if (changes.password && await store.isCurrentPassword(user.id, changes.password)) {
        throw new AuthError(
          422,
          "same_password",
          "New password should be different from the old password.",
        );
      }
      return authJson(200, userJson(await store.updateUser(user.id, changes)));
    },
    "POST /logout": async (request, url) => {
      const scope = url.searchParams.get("scope") ?? "global";
      if (scope !== "global" && scope !== "local" && scope !== "others") {
        throw new AuthError(400, "validation_failed", `Unsupported logout scope "${scope}"`);
      }
      const { claims, user } = await authenticate(request);
      await store.endSessions(user.id, claims.session_id, scope);
      return new Response(null, { status: 204 });
    },
  };

  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.slice("/auth/v1".length) || "/";
    let response: Response;
    if (request.method === "OPTIONS") {
      response = new Response(null, { status: 204 });
    } else {
      const route = routes[`${request.method} ${path}`];
      try {
        if (!route) throw new AuthError(404, "not_found", "Not found");
        response = await route(request, url);
      } catch (error) {
        response = toAuthResponse(error, request, deps.log);
      }
    }
    for (const [name, value] of Object.entries(CORS)) response.headers.set(name, value);
    return response;
  };
}
