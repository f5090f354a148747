/**
 * Reads the database's ingest-limit refusals out of a PostgREST error.
 *
 * The limiter (migration `limit_event_ingest_per_user`) refuses an insert with PostgREST's custom
 * error (SQLSTATE `PGRST`): HTTP 429 `rate_limited`, or 413 `batch_exceeds_burst`, each with its
 * numbers as a JSON object in `details`. supabase-js hands us the body but not the headers, so
 * the function rebuilds its headers from those numbers.
 *
 * @module
 */
// zod's smaller entry point, as in event_schema.ts: only success or failure is read here.
import { z } from "zod/mini";
import { BatchExceedsBurstError, RateLimitedError } from "../_shared/errors.ts";

/** The part of a PostgREST error this module reads. */
export interface PostgrestErrorBody {
  code?: string;
  details?: string | null;
}

const limitFields = {
  // zod 4 numbers refuse Infinity and NaN already; z.int() also refuses unsafe integers.
  events_per_second: z.number().check(z.positive()),
  burst: z.int().check(z.positive()),
};
const rateLimitedDetails = z.object({
  ...limitFields,
  retry_after_ms: z.int().check(z.positive()),
  available: z.int().check(z.nonnegative()),
});
const batchDetails = z.object({ ...limitFields, events: z.int().check(z.positive()) });

// Without readable numbers (say, a database migrated ahead of the function), a refusal keeps its
// status: a 429 is retried after a second and the limiter answers again; a 413 is split.
const FALLBACK_RETRY_AFTER_MS = 1000;

/**
 * The error to throw for an ingest-limit refusal, or null when the response is something else.
 *
 * @example
 * ```ts
 * const refusal = ingestLimitRefusal(429, { code: "rate_limited", details: '{"retry_after_ms":1500,...}' });
 * if (refusal) throw refusal; // RateLimitedError: 429 with Retry-After: 2
 * ```
 */
export function ingestLimitRefusal(
  status: number,
  error: PostgrestErrorBody,
): RateLimitedError | BatchExceedsBurstError | null {
  if (status === 429 && error.code === "rate_limited") {
    const parsed = rateLimitedDetails.safeParse(parseJson(error.details));
    if (!parsed.success) return new RateLimitedError(FALLBACK_RETRY_AFTER_MS, null);
    const d = parsed.data;
    return new RateLimitedError(d.retry_after_ms, {
      eventsPerSecond: d.events_per_second,
      burst: d.burst,
      available: d.available,
    });
  }
  if (status === 413 && error.code === "batch_exceeds_burst") {
    const parsed = batchDetails.safeParse(parseJson(error.details));
    if (!parsed.success) return new BatchExceedsBurstError(null);
    const d = parsed.data;
    return new BatchExceedsBurstError({
      eventsPerSecond: d.events_per_second,
      burst: d.burst,
      events: d.events,
    });
  }
  return null;
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return null;
  }
}
