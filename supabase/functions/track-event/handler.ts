/**
 * The HTTP shell of track-event: methods, CORS, request ids, error mapping and the request log.
 * What a POST does lives in `ingest.ts`.
 *
 * @module
 */
import type { TokenVerifier } from "../_shared/auth.ts";
import { type AllowedOrigins, corsHeaders } from "../_shared/cors.ts";
import {
  BatchExceedsBurstError,
  errorCode,
  MethodNotAllowedError,
  RateLimitedError,
  toResponse,
  UpstreamUnavailableError,
} from "../_shared/errors.ts";
import type { Logger } from "../_shared/log.ts";
import { once } from "./deferred_deps.ts";
import type { RequestFacts } from "./ingest.ts";
import type { OwnershipCache } from "./ownership_cache.ts";
import type { RefusalMemory } from "./refusal_memory.ts";
import { type StoreFactory, StoreRejectedError } from "./store_contract.ts";

/** Everything the handler needs from the outside world; tests pass fakes. */
export interface HandlerDeps {
  /** The server clock: token expiry, `received_at`, clock-skew correction, latency. */
  now: () => Date;
  newRequestId: () => string;
  /** Makes `event_id` for events sent without one. */
  newEventId: () => string;
  verifyToken: TokenVerifier;
  /** The data access acting as the holder of a token (the caller's own, for RLS). */
  storeFor: StoreFactory;
  /** Optional positive cache of verified (user, job) pairs. */
  ownershipCache?: OwnershipCache;
  /** Optional memory of the database's 429s, until their Retry-After. */
  refusalMemory?: RefusalMemory;
  logger: Logger;
  /** Runs `callback` after `delayMs` unless the returned function cancels it (the body deadline). */
  schedule: (delayMs: number, callback: () => void) => () => void;
  config: {
    allowedOrigins: AllowedOrigins;
    /** How long the body may take to arrive once the function waits for it: then 408. */
    bodyTimeoutMs: number;
  };
}

/**
 * Builds the request handler.
 *
 * @example
 * ```ts
 * Deno.serve(createHandler(deps));
 * const response = await createHandler(fakeDeps)(new Request("http://x/", { method: "OPTIONS" }));
 * response.status; // 204
 * ```
 */
export function createHandler(deps: HandlerDeps): (request: Request) => Promise<Response> {
  // The POST path (zod and the schemas) loads with the first POST: a new process answers CORS
  // preflights without it.
  const loadIngest = once(() => import("./ingest.ts"));
  return async (request) => {
    const receivedAt = deps.now();
    const requestId = deps.newRequestId();
    const facts: RequestFacts = { userId: null, events: null, bodyRead: false };
    let response: Response;
    let failure: unknown = null;
    try {
      if (request.method === "OPTIONS") response = new Response(null, { status: 204 });
      else if (request.method !== "POST") throw new MethodNotAllowedError();
      else response = await (await loadIngest()).ingest(request, deps, receivedAt, facts);
    } catch (error) {
      failure = error;
      response = toResponse(error, requestId);
    }
    const cors = corsHeaders(request.headers.get("origin"), deps.config.allowedOrigins);
    for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
    response.headers.set("x-request-id", requestId);
    // Answered before the body was read whole: the connection must not wait for the unread rest,
    // which a slow or malicious client may never send.
    if (declaresBody(request.headers) && !facts.bodyRead) {
      response.headers.set("Connection", "close");
    }

    deps.logger.log({
      level: response.status >= 500 ? "error" : "info",
      msg: "track-event",
      request_id: requestId,
      method: request.method,
      user_id: facts.userId,
      events: facts.events,
      status: response.status,
      code: failure === null ? null : errorCode(failure),
      latency_ms: deps.now().getTime() - receivedAt.getTime(),
      ...(failure === null ? {} : cause(failure)),
    });
    return response;
  };
}

/**
 * Whether the request declares a body, judged from its framing headers. `request.body` is not
 * touched: Deno.serve (2.9) reads the unread rest of a body before it closes a connection, and
 * once the handler has taken the body it keeps the connection open even after that rest.
 */
function declaresBody(headers: Headers): boolean {
  return headers.has("transfer-encoding") || Number(headers.get("content-length") ?? "0") > 0;
}

/** What to log about a failure: names and codes only, never messages that may quote data. */
function cause(error: unknown): Record<string, unknown> {
  if (error instanceof UpstreamUnavailableError) return { reason: error.reason };
  // Refused by the ingest limit: how long the user must wait, or the burst the batch outgrew.
  if (error instanceof RateLimitedError) return { retry_after_ms: error.retryAfterMs };
  if (error instanceof BatchExceedsBurstError) return { burst: error.limit?.burst ?? null };
  if (error instanceof StoreRejectedError) {
    return { error: error.name, upstream_status: error.status, sqlstate: error.sqlState };
  }
  if (errorCode(error) !== "internal_error") return {};
  return { error: error instanceof Error ? error.name : typeof error };
}
