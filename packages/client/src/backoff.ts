/**
 * Retry delays: exponential backoff with full jitter (a random delay between 0 and the
 * exponential ceiling), so that many clients recovering from one outage do not retry in step;
 * never shorter than what the server asked for with `Retry-After`.
 *
 * @module
 */

/** The ceiling of the first retry; it doubles per failure. */
export const BACKOFF_BASE_MS = 500;
/** The ceiling stops growing here. */
export const BACKOFF_CAP_MS = 30_000;

/**
 * The delay before retry number `attempt` (0 for the first).
 *
 * @example
 * ```ts
 * backoffDelay(3, Math.random, 0);     // between 0 and 4000 ms
 * backoffDelay(0, Math.random, 5000);  // at least 5000 ms
 * ```
 */
export function backoffDelay(attempt: number, random: () => number, atLeastMs: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.max(atLeastMs, Math.floor(random() * ceiling));
}
