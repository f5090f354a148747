/**
 * Clock-skew correction for client timestamps, as Segment, RudderStack and Snowplow do it: the
 * client's clock may be wrong, but the gap between its `occurred_at` and its `sent_at` is not.
 *
 * @module
 */

/** Epoch milliseconds as the client and the server saw them. */
export interface SkewInput {
  /** The event's `occurred_at` on the client's clock, if it sent one. */
  occurredAt?: number;
  /** The batch's `sent_at` on the client's clock, if it sent one. */
  sentAt?: number;
  /** When the server received the request, on the server's clock. */
  receivedAt: number;
}

/**
 * The event's time on the server's clock, never later than `receivedAt`:
 * `receivedAt - (sentAt - occurredAt)` when `sentAt` is given, else `occurredAt`, else
 * `receivedAt`.
 *
 * @example
 * ```ts
 * // The client clock runs 1 h fast; the event happened 5 s before sending.
 * correctOccurredAt({ occurredAt: 3_595_000, sentAt: 3_600_000, receivedAt: 1_000 }); // -4_000
 * ```
 */
export function correctOccurredAt({ occurredAt, sentAt, receivedAt }: SkewInput): number {
  if (occurredAt === undefined) return receivedAt;
  const corrected = sentAt === undefined ? occurredAt : receivedAt - (sentAt - occurredAt);
  // A time still in the future after correction is impossible; clamp it to receipt.
  return Math.min(corrected, receivedAt);
}
