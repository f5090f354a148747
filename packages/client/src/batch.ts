/**
 * Batches as the server accepts them: at most 500 events and 512 KiB of JSON per request, and
 * at most 32 KiB per event.
 *
 * @module
 */
import type { QueuedEvent } from "./types.ts";

export const MAX_BATCH_EVENTS = 500;
/** 512 KiB, less room for the envelope (`{"events":[...],"sent_at":"..."}`). */
export const MAX_BATCH_BYTES = 512 * 1024 - 1024;
export const MAX_EVENT_BYTES = 32 * 1024;
/** Browsers allow 64 KiB of `keepalive` bodies in flight per page; leave room for headers. */
export const KEEPALIVE_BYTES = 60 * 1024;
const ENVELOPE_BYTES = 64;

/**
 * The first events of `events` that fit in one request of at most `maxEvents` events and
 * `maxBytes` bytes; always at least one event when there is one.
 *
 * @example
 * ```ts
 * takeBatch(queued, 500, MAX_BATCH_BYTES);
 * ```
 */
export function takeBatch(events: QueuedEvent[], maxEvents: number, maxBytes: number) {
  const batch: QueuedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const event of events) {
    bytes += event.size + 1;
    if (batch.length && (batch.length >= maxEvents || bytes > maxBytes)) break;
    batch.push(event);
  }
  return batch;
}

/**
 * The request body; `sent_at` lets the server correct the device's clock skew.
 *
 * @example
 * ```ts
 * encodeBatch(batch, new Date().toISOString()); // '{"events":[...],"sent_at":"..."}'
 * ```
 */
export function encodeBatch(batch: QueuedEvent[], sentAt: string): string {
  return `{"events":[${batch.map((e) => JSON.stringify(e.body)).join(",")}],"sent_at":"${sentAt}"}`;
}

/**
 * UTF-8 length of a string without TextEncoder, which older React Native engines lack.
 *
 * @example
 * ```ts
 * utf8Length("héllo"); // 6
 * ```
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Each half of a surrogate pair adds one: a pair is 4 bytes for 2 UTF-16 units.
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}
