/**
 * The one place that decides what a response means for the batch that was sent:
 *
 * | response                     | outcome                                                   |
 * | ---------------------------- | --------------------------------------------------------- |
 * | 2xx acknowledging the batch  | ack: remove every event, `created` or `duplicate`         |
 * | any other 2xx, a 3xx         | retry after backoff, reported as `unexpected_response`:   |
 * |                              | a portal's page, a 204 or a mismatched body removes none  |
 * | network error, 408, 429, 5xx | retry after backoff, at least `Retry-After`; after a 408, |
 * |                              | in half the batch, since the body did not arrive in time  |
 * | 401                          | refresh: ask for a fresh token once, then hold            |
 * | 400 naming event indexes     | drop those events, resend the rest at once                |
 * | 403 naming job ids           | drop the events of those jobs, resend the rest at once    |
 * | 413, or a batch over a limit | split the batch; a single event is dropped                |
 * | anything else                | retry after backoff, reported as `unexpected_response`    |
 *
 * An acknowledgement is the function's body, `{ accepted, duplicates, events: [{ event_id,
 * status }] }`, naming each event of the batch in request order as `created` or `duplicate`,
 * with counts that agree. Redirects are never followed (`redirect: "manual"`), so a captive
 * portal's or an SSO proxy's sign-in page is never mistaken for one.
 *
 * A 400 or 403 that names nothing in the batch is treated like a 413, so that every answer
 * either removes an event or halves the batch: delivery always converges.
 *
 * @module
 */
import type { ErrorCode, QueuedEvent } from "./types.ts";

/** What the tracker does next with the batch it sent. */
export type Outcome =
  | { type: "ack"; created: number; duplicates: number }
  | { type: "retry"; atLeastMs: number; unexpected?: boolean; halve?: boolean }
  | { type: "refresh" }
  | { type: "drop"; reason: ErrorCode; ids: string[] }
  | { type: "split" };

/** The parts of a response the decision needs; `status` 0 is a network error or timeout. */
export interface Answer {
  status: number;
  /** A browser's opaque redirect (status 0): a redirect, not a network error. */
  redirect?: boolean;
  body: unknown;
  retryAfter: string | null;
}

/**
 * Decides what `answer` means for `batch`.
 *
 * @example
 * ```ts
 * decide({ status: 503, body: null, retryAfter: "2" }, batch); // { type: "retry", atLeastMs: 2000 }
 * ```
 */
export function decide(answer: Answer, batch: QueuedEvent[], now = Date.now()): Outcome {
  const { status } = answer;
  const error = errorOf(answer.body);
  const unexpected: Outcome = {
    type: "retry",
    atLeastMs: waitOf(answer, error, now),
    unexpected: true,
  };
  if (answer.redirect || (status >= 200 && status < 400)) {
    return acknowledged(answer.body, batch) ?? unexpected;
  }
  if (status === 0 || status === 408 || status === 429 || status >= 500) {
    // A body too slow for the server's deadline would be too slow again whole: on a slow link
    // the same batch would meet 408 forever.
    const halve = status === 408 && batch.length > 1;
    return { type: "retry", atLeastMs: waitOf(answer, error, now), ...(halve && { halve }) };
  }
  if (status === 401) return { type: "refresh" };
  if (status === 413 || error.code === "batch_exceeds_burst" || error.code === "too_many_events") {
    return splitOrDrop(batch, "too_large");
  }
  if (status === 400) {
    const indexes = new Set(
      (Array.isArray(error.issues) ? error.issues : []).map((issue) => issue?.index),
    );
    return dropOrSplit(batch.filter((_, i) => indexes.has(i)), batch, "invalid_event");
  }
  if (status === 403 && error.code === "job_not_owned") {
    const jobs = new Set(Array.isArray(error.job_ids) ? error.job_ids : []);
    const named = batch.filter((e) => typeof e.body.job_id === "string" && jobs.has(e.body.job_id));
    return dropOrSplit(named, batch, "job_not_owned");
  }
  return unexpected;
}

/**
 * What onError tells of an answer: its status, and the server's error code and message.
 *
 * @example
 * ```ts
 * describe({ status: 404, body: { error: { code: "not_found", message: "…" } }, retryAfter: null });
 * // { status: 404, serverCode: "not_found", serverMessage: "…" }
 * ```
 */
export function describe(answer: Answer) {
  const error = errorOf(answer.body);
  // Supabase's gateway answers some errors with a top-level `{ code, message }`.
  const source = error.code || error.message ? error : (answer.body ?? {}) as ErrorBody;
  const text = (value: unknown) => typeof value === "string" ? value.slice(0, 200) : undefined;
  return {
    status: answer.status || undefined,
    serverCode: text(source.code),
    serverMessage: text(source.message),
  };
}

// deno-lint-ignore no-explicit-any
type ErrorBody = Record<string, any>;

function errorOf(body: unknown): ErrorBody {
  const error = (body as { error?: unknown } | null)?.error;
  return error && typeof error === "object" ? error as ErrorBody : {};
}

/** The ack outcome when `body` acknowledges exactly `batch`, in request order; else undefined. */
function acknowledged(body: unknown, batch: QueuedEvent[]): Outcome | undefined {
  const { accepted, duplicates, events } = (body ?? {}) as ErrorBody;
  if (!Array.isArray(events) || events.length !== batch.length) return;
  let dup = 0;
  for (const [i, e] of events.entries()) {
    if (e?.event_id !== batch[i].id) return;
    if (e.status === "duplicate") dup++;
    else if (e.status !== "created") return;
  }
  if (accepted !== batch.length - dup || duplicates !== dup) return;
  return { type: "ack", created: batch.length - dup, duplicates: dup };
}

function dropOrSplit(named: QueuedEvent[], batch: QueuedEvent[], reason: ErrorCode): Outcome {
  return named.length
    ? { type: "drop", reason, ids: named.map((e) => e.id) }
    : splitOrDrop(batch, reason);
}

function splitOrDrop(batch: QueuedEvent[], reason: ErrorCode): Outcome {
  return batch.length > 1 ? { type: "split" } : { type: "drop", reason, ids: [batch[0].id] };
}

/** The longer of `Retry-After` (seconds or an HTTP date) and the body's `retry_after_ms`. */
function waitOf(answer: Answer, error: ErrorBody, now: number): number {
  let ms = 0;
  const header = answer.retryAfter?.trim();
  if (header) {
    ms = /^\d+$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now;
  }
  const fromBody = Number(error.retry_after_ms);
  if (fromBody > ms) ms = fromBody;
  return ms > 0 ? Math.min(ms, 3_600_000) : 0;
}
