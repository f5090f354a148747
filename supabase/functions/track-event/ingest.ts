/**
 * What a POST does, in the contract's order: token (401), content type (415), size (413),
 * JSON and schema (400), ownership (403), then one insert. A user the database refused with a
 * Retry-After still running gets that 429 right after the content type, before the body.
 *
 * @module
 */
import { bearerToken } from "../_shared/auth.ts";
import { assertJsonContentType, parseJsonBody, readBoundedBody } from "../_shared/body.ts";
import {
  AuthError,
  JobNotOwnedError,
  jsonResponse,
  RateLimitedError,
  UpstreamUnavailableError,
} from "../_shared/errors.ts";
import type { HandlerDeps } from "./handler.ts";
import { MAX_BODY_BYTES } from "./limits.ts";
import type { OwnershipCache } from "./ownership_cache.ts";
import { planRows, referencedJobIds, type RowPlan } from "./rows.ts";
import { parseTrackRequest } from "./schema.ts";
import { type EventStore, StoreRejectedError } from "./store_contract.ts";

/** What the request log needs to know, filled in as the request gets through the checks. */
export interface RequestFacts {
  userId: string | null;
  events: number | null;
  /** Whether the body was read whole (an answer before that closes the connection). */
  bodyRead: boolean;
}

/**
 * Handles an authenticated POST and answers 201 (or 200 when every event was a duplicate).
 * Every failure is thrown as an error for `toResponse`.
 *
 * @example
 * ```ts
 * const facts = { userId: null, events: null, bodyRead: false };
 * const response = await ingest(request, deps, deps.now(), facts);
 * ```
 */
export async function ingest(
  request: Request,
  deps: HandlerDeps,
  receivedAt: Date,
  facts: RequestFacts,
): Promise<Response> {
  // Authenticate before reading the body, so anonymous callers cannot make us buffer anything.
  const token = bearerToken(request.headers);
  const { userId } = await deps.verifyToken(token, receivedAt);
  facts.userId = userId;

  assertJsonContentType(request.headers);
  // Refused by the database moments ago: refused again before the body is read, parsed or sent.
  const remembered = deps.refusalMemory?.current(userId);
  if (remembered) throw remembered;
  const bytes = await readBodyInTime(request, deps);
  facts.bodyRead = true;
  const body = parseJsonBody(bytes);
  const trackRequest = parseTrackRequest(body);
  facts.events = trackRequest.events.length;
  const plan = planRows(trackRequest, receivedAt, deps.newEventId);

  const store = deps.storeFor(token);
  // Every event's job counts, the repeats of an event_id too: a repeat naming a foreign job must
  // be a 403, not a "duplicate".
  const jobIds = referencedJobIds(trackRequest.events.map((e) => ({ job_id: e.jobId })));
  await assertJobsVisible(store, userId, jobIds, deps.ownershipCache);
  let inserted: Set<string>;
  try {
    inserted = await store.insertEvents(plan.rows);
  } catch (error) {
    // A job deleted or given away since the check (the cache's, or this request's): the policy or
    // the foreign key said no. Which job, the refusal does not say, so the check runs again,
    // uncached: the 403 must name only the lost jobs, since clients drop the events naming them.
    if (isOwnershipRejection(error) && jobIds.length > 0) {
      deps.ownershipCache?.forget(userId, jobIds);
      await assertJobsVisible(store, userId, jobIds, undefined);
      // Every job is the caller's again (say, one given away and back): retrying is safe.
      throw new UpstreamUnavailableError("ownership changed during the request", 1);
    }
    // With no job named, only the user_id foreign key can refuse: the token is still valid but
    // its user was deleted.
    if (error instanceof StoreRejectedError && error.sqlState === "23503") throw userGone();
    if (error instanceof RateLimitedError) deps.refusalMemory?.remember(userId, error, receivedAt);
    throw fromStoreError(error);
  }
  return trackedResponse(plan, inserted);
}

/** Reads the body under the deadline: a client that stops sending gets 408, not a held socket. */
async function readBodyInTime(request: Request, deps: HandlerDeps): Promise<Uint8Array> {
  const deadline = new AbortController();
  const cancel = deps.schedule(deps.config.bodyTimeoutMs, () => deadline.abort());
  try {
    return await readBoundedBody(request, MAX_BODY_BYTES, deadline.signal);
  } finally {
    cancel();
  }
}

async function assertJobsVisible(
  store: EventStore,
  userId: string,
  jobIds: string[],
  cache: OwnershipCache | undefined,
): Promise<void> {
  const unverified = cache ? cache.unknown(userId, jobIds) : jobIds;
  if (unverified.length === 0) return;
  let visible: Set<string>;
  try {
    visible = await store.visibleJobIds(unverified);
  } catch (error) {
    throw fromStoreError(error);
  }
  cache?.remember(userId, unverified.filter((id) => visible.has(id)));
  const missing = unverified.filter((id) => !visible.has(id));
  if (missing.length > 0) throw new JobNotOwnedError(missing);
}

function isOwnershipRejection(error: unknown): boolean {
  return error instanceof StoreRejectedError &&
    (error.sqlState === "42501" || error.sqlState === "23503");
}

/**
 * PostgREST judges the token again; if it disagrees (e.g. expired meanwhile), that is a 401. The
 * ownership pre-check answers PT401 when the token's user has been deleted.
 */
function fromStoreError(error: unknown): unknown {
  if (error instanceof StoreRejectedError && error.status === 401) {
    return error.sqlState === "PT401" ? userGone() : invalidToken("The access token was rejected");
  }
  return error;
}

function userGone(): AuthError {
  return invalidToken("The user of this access token no longer exists");
}

function invalidToken(message: string): AuthError {
  return new AuthError("invalid_token", message);
}

function trackedResponse(plan: RowPlan, inserted: Set<string>): Response {
  const events = plan.eventIds.map((eventId, index) => ({
    event_id: eventId,
    status: !plan.repeats[index] && inserted.has(eventId) ? "created" : "duplicate",
  }));
  const accepted = events.filter((e) => e.status === "created").length;
  const body = { accepted, duplicates: events.length - accepted, events };
  return jsonResponse(body, accepted > 0 ? 201 : 200);
}
