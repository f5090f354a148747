/**
 * The RateLimit-Policy and RateLimit header fields of the IETF httpapi draft
 * (draft-ietf-httpapi-ratelimit-headers-11), for the per-user ingest limit.
 *
 * The limit is a token bucket (GCRA in the database): `burst` events at once, refilled at
 * `eventsPerSecond`. As a draft policy that is a quota `q` of `burst` over a window `w` of the
 * seconds a whole burst takes to refill. The draft registers no quota unit for events, so `qu` is
 * left out and the policy's name, "events", says what it counts. The database formats the same
 * fields for direct PostgREST callers.
 *
 * @module
 */

/** A user's ingest limit: sustained rate and burst. */
export interface IngestLimit {
  eventsPerSecond: number;
  burst: number;
}

/**
 * `RateLimit-Policy`: the quota is the burst, the window the time a whole burst takes to refill.
 *
 * @example
 * ```ts
 * rateLimitPolicy({ eventsPerSecond: 50, burst: 10_000 }); // '"events";q=10000;w=200'
 * ```
 */
export function rateLimitPolicy(limit: IngestLimit): string {
  const window = Math.max(1, Math.ceil(limit.burst / limit.eventsPerSecond));
  return `"events";q=${limit.burst};w=${window}`;
}

/**
 * `RateLimit`: `r` events are available now, and the client should send no more than that
 * within `t` seconds (on a 429, `t` equals `Retry-After`, as the draft asks).
 *
 * @example
 * ```ts
 * rateLimit(0, 3); // '"events";r=0;t=3'
 * ```
 */
export function rateLimit(available: number, seconds: number): string {
  return `"events";r=${Math.max(0, Math.floor(available))};t=${seconds}`;
}
