/**
 * The one home for errors that become HTTP responses.
 *
 * Each class carries a status and a stable `code` that clients can branch on. Messages are written
 * here, never copied from a library, a token or the request body, so nothing a caller sent (and
 * nothing the database said) is ever echoed back.
 *
 * @module
 */
import { type IngestLimit, rateLimit, rateLimitPolicy } from "./rate_limit_headers.ts";

/** An issue found in the request body: which event, which field, what is wrong. */
export interface Issue {
  /** Position of the event in the batch (0 for a single event); null for the body itself. */
  index: number | null;
  /** Dotted path of the field inside the event (or the body when `index` is null). */
  path: string;
  message: string;
}

/** An error with a status, a stable code, a safe message and optional extra body fields. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * An error body lists at most this many issues, plus their total count, so that its size does
 * not grow with the request's.
 */
export const MAX_LISTED_ISSUES = 100;

/**
 * 400: the body is not JSON, or it is JSON that breaks the schema. Lists the first
 * {@link MAX_LISTED_ISSUES} issues as `issues` and counts them all as `issue_count`.
 */
export class ValidationError extends HttpError {
  /** The issues listed in the response: the first {@link MAX_LISTED_ISSUES}. */
  readonly issues: Issue[];

  constructor(
    code: "validation_failed" | "invalid_json" | "empty_batch" | "too_many_events",
    message: string,
    issues: Issue[] = [],
    /** Every issue found, listed or not. */
    readonly issueCount: number = issues.length,
  ) {
    const listed = issues.slice(0, MAX_LISTED_ISSUES);
    super(400, code, message, { issues: listed, issue_count: issueCount });
    this.issues = listed;
  }
}

/** 401: no usable access token. `WWW-Authenticate` follows RFC 6750. */
export class AuthError extends HttpError {
  constructor(code: "missing_token" | "invalid_token", message: string) {
    const challenge = code === "missing_token" ? "Bearer" : 'Bearer error="invalid_token"';
    super(401, code, message, {}, { "WWW-Authenticate": challenge });
  }
}

/** 403: some referenced jobs are not visible to the caller (or do not exist: same answer). */
export class JobNotOwnedError extends HttpError {
  constructor(readonly jobIds: string[]) {
    super(403, "job_not_owned", "These jobs do not exist or do not belong to you", {
      job_ids: jobIds,
    });
  }
}

/** 405: only POST (and the OPTIONS preflight) are served. */
export class MethodNotAllowedError extends HttpError {
  constructor() {
    super(405, "method_not_allowed", "Use POST", {}, { Allow: "POST, OPTIONS" });
  }
}

/**
 * 408: the body did not arrive within the deadline. The answer closes the connection: its unread
 * rest would otherwise hold it.
 */
export class RequestTimeoutError extends HttpError {
  constructor() {
    super(
      408,
      "request_timeout",
      "The request body did not arrive in time; send it again",
      {},
      { Connection: "close" },
    );
  }
}

/** 413: the body or one event is over its size limit. */
export class PayloadTooLargeError extends HttpError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(413, "payload_too_large", message, details);
  }
}

/** 415: not `application/json`, or an encoding other than gzip. */
export class UnsupportedMediaTypeError extends HttpError {
  constructor(message: string) {
    super(415, "unsupported_media_type", message);
  }
}

/**
 * 503: the database or PostgREST could not be reached in time. Usually nothing was stored; a
 * commit that raced the timeout may have been, so clients retry with the same event ids.
 */
export class UpstreamUnavailableError extends HttpError {
  constructor(readonly reason: string, retryAfterSeconds = 2) {
    super(
      503,
      "upstream_unavailable",
      "The database is unavailable; retry later",
      {},
      { "Retry-After": String(retryAfterSeconds) },
    );
  }
}

/**
 * 429: the user is over their ingest limit; nothing was stored. `Retry-After` is in whole seconds,
 * rounded up; the RateLimit fields follow the IETF draft (see `rate_limit_headers.ts`) when the
 * database reported the limit.
 */
export class RateLimitedError extends HttpError {
  constructor(
    readonly retryAfterMs: number,
    readonly limit: (IngestLimit & { available: number }) | null,
  ) {
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    const headers: Record<string, string> = { "Retry-After": String(retryAfterSeconds) };
    if (limit !== null) {
      headers["RateLimit-Policy"] = rateLimitPolicy(limit);
      headers["RateLimit"] = rateLimit(limit.available, retryAfterSeconds);
    }
    super(
      429,
      "rate_limited",
      "Too many events: you are over your ingest limit; retry after Retry-After seconds",
      { retry_after_ms: retryAfterMs },
      headers,
    );
  }
}

/**
 * 413: the batch holds more new events than the user's burst, so no wait would ever let it
 * through whole: split it. Deliberately no `Retry-After`. `limit` is null when the database's
 * numbers could not be read.
 */
export class BatchExceedsBurstError extends HttpError {
  constructor(readonly limit: (IngestLimit & { events: number }) | null) {
    super(
      413,
      "batch_exceeds_burst",
      "This batch has more events than your ingest limit's burst allows at once; split it",
      limit === null ? {} : { burst: limit.burst, events: limit.events },
      limit === null ? {} : { "RateLimit-Policy": rateLimitPolicy(limit) },
    );
  }
}

/**
 * Maps any thrown value to a JSON response. Known errors keep their status, code and extra fields;
 * anything else becomes a 500 that shows only the request id (the caller logs the cause).
 *
 * @example
 * ```ts
 * const response = toResponse(new AuthError("missing_token", "Sign in first"), "req-1");
 * response.status; // 401
 * ```
 */
export function toResponse(error: unknown, requestId: string): Response {
  if (error instanceof HttpError) {
    const body = { error: { code: error.code, message: error.message, ...error.details } };
    return jsonResponse(body, error.status, error.headers);
  }
  const body = {
    error: { code: "internal_error", message: "Internal error", request_id: requestId },
  };
  return jsonResponse(body, 500);
}

/**
 * The stable code of a response built by {@link toResponse}, for the request log.
 *
 * @example
 * ```ts
 * errorCode(new MethodNotAllowedError()); // "method_not_allowed"
 * errorCode(new Error("x"));              // "internal_error"
 * ```
 */
export function errorCode(error: unknown): string {
  return error instanceof HttpError ? error.code : "internal_error";
}

/**
 * A JSON response with `Cache-Control: no-store` (results are per caller and must not be cached).
 *
 * @example
 * ```ts
 * jsonResponse({ ok: true }, 200).headers.get("content-type"); // "application/json"
 * ```
 */
export function jsonResponse(
  body: unknown,
  status: number,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  });
}
