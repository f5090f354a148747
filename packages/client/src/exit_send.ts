/**
 * The last-chance send as the page goes away: one `keepalive` request with the user's own
 * events, uncompressed (there is no time for an async compression), within the browsers'
 * 64 KiB keepalive budget. The events stay queued unless the answer arrives and acknowledges
 * them, so a page that dies first loses nothing: the next tracker sends them again, and the
 * server counts them as duplicates.
 *
 * @module
 */
import { encodeBatch, KEEPALIVE_BYTES, MAX_BATCH_EVENTS, takeBatch } from "./batch.ts";
import type { Platform } from "./platform.ts";
import type { Queue } from "./queue.ts";
import { decide } from "./response_action.ts";
import { send, type SendTarget } from "./send.ts";
import { subOf } from "./token.ts";
import type { QueuedEvent } from "./types.ts";

/**
 * Sends what fits of `target.token`'s user's events; `acknowledge` counts and removes them.
 *
 * @example
 * ```ts
 * exitSend(platform, queue, { url, apiKey, token }, acknowledge);
 * ```
 */
export function exitSend(
  platform: Platform,
  queue: Queue,
  target: SendTarget,
  acknowledge: (batch: QueuedEvent[], created: number, duplicates: number) => void,
): void {
  const sub = subOf(target.token);
  const mine = queue.list().filter((e) => e.sub === sub);
  const batch = takeBatch(mine, MAX_BATCH_EVENTS, KEEPALIVE_BYTES);
  if (!batch.length) return;
  const body = encodeBatch(batch, new Date(platform.now()).toISOString());
  send(platform, target, body, true).then((answer) => {
    const outcome = decide(answer, batch, platform.now());
    if (outcome.type !== "ack") return;
    // Counted only when the usual path has not acknowledged some of them meanwhile.
    if (batch.every((e) => queue.get(e.id))) {
      acknowledge(batch, outcome.created, outcome.duplicates);
    } else queue.remove(batch.map((e) => e.id));
  });
}
