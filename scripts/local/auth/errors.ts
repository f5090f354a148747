/**
 * The local Auth server's errors, in GoTrue's two formats. supabase-js sends
 * `X-Supabase-Api-Version: 2024-01-01` and then reads `{ code, message }`; a client that sends no
 * version gets GoTrue's original `{ code: <status>, error_code, msg }`. Both carry the
 * `x-sb-error-code` header. An unexpected failure shows a request id only.
 *
 * @example
 * ```ts
 * throw new AuthError(400, "invalid_credentials", "Invalid login credentials");
 * // later: return toAuthResponse(error, request, log);
 * ```
 */

export const API_VERSION_HEADER = "x-supabase-api-version";
const API_VERSION_2024 = "2024-01-01";

/** A refusal GoTrue would give, with its status, stable `error_code` and message. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields GoTrue adds, such as `weak_password`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** True when the client asked for the 2024-01-01 error format (a date on or after it). */
function wantsVersion2024(request: Request): boolean {
  const version = request.headers.get(API_VERSION_HEADER) ?? "";
  return /^2\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(version) &&
    version >= API_VERSION_2024;
}

/** A JSON answer with the headers every local Auth answer has. */
export function authJson(status: number, body: unknown, headers: HeadersInit = {}): Response {
  const all = new Headers(headers);
  all.set("content-type", "application/json");
  return new Response(body === null ? null : JSON.stringify(body), { status, headers: all });
}

/** Maps an error to GoTrue's answer; anything but an AuthError is logged and becomes a bare 500. */
export function toAuthResponse(
  error: unknown,
  request: Request,
  log: (requestId: string, error: unknown) => void,
): Response {
  let known: AuthError;
  let errorId: string | undefined;
  if (error instanceof AuthError) {
    known = error;
  } else {
    errorId = crypto.randomUUID();
    log(errorId, error);
    known = new AuthError(
      500,
      "unexpected_failure",
      "Unexpected failure, please check server logs for more information",
    );
  }
  const headers: Record<string, string> = { "x-sb-error-code": known.code };
  if (wantsVersion2024(request)) {
    headers["x-supabase-api-version"] = API_VERSION_2024;
    return authJson(
      known.status,
      { code: known.code, message: known.message, ...known.extra },
      headers,
    );
  }
  const body = { code: known.status, error_code: known.code, msg: known.message, ...known.extra };
  return authJson(known.status, errorId ? { ...body, error_id: errorId } : body, headers);
}
