/**
 * The event as `track()` records it: the fields the server accepts, and their JSON size.
 *
 * @module
 */
import { utf8Length } from "./batch.ts";
import type { EventBody, TrackFields } from "./types.ts";

/**
 * Builds the body of one event; only the fields given are sent.
 *
 * @example
 * ```ts
 * buildEvent("stage_started", { stage: "render" }, id, Date.now());
 * // { body: { event, event_id, occurred_at, stage }, size: 120 }
 * ```
 */
export function buildEvent(
  event: string,
  fields: TrackFields<unknown>,
  id: string,
  at: number,
): { body: EventBody; size: number } {
  const body: EventBody = { event, event_id: id, occurred_at: new Date(at).toISOString() };
  if (fields.job_id !== undefined) body.job_id = fields.job_id;
  if (fields.stage !== undefined) body.stage = fields.stage;
  if (fields.properties !== undefined) {
    body.properties = fields.properties as Record<string, unknown>;
  }
  return { body, size: utf8Length(JSON.stringify(body)) };
}
