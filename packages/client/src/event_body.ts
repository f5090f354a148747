/**
 * The event as `track()` records it: the fields the server accepts, a snapshot of the properties
 * as they were at the call, and its JSON size.
 *
 * @module
 */
import { utf8Length } from "./batch.ts";
import type { EventBody, TrackFields } from "./types.ts";

/**
 * Builds the body of one event; only the fields given are sent. `lossy` names the property keys
 * whose values JSON cannot hold and stores as `null` (NaN, Infinity) or `{}` (a Map, a Set, a
 * class instance). Throws on what JSON cannot encode at all (a BigInt, a cycle).
 *
 * @example
 * ```ts
 * buildEvent("stage_started", { stage: "render" }, id, Date.now());
 * // { body: { event, event_id, occurred_at, stage }, size: 120, lossy: [] }
 * ```
 */
export function buildEvent(
  event: string,
  fields: TrackFields<unknown>,
  id: string,
  at: number,
): { body: EventBody; size: number; lossy: string[] } {
  const when = fields.occurred_at;
  const body: EventBody = {
    event,
    event_id: id,
    occurred_at: typeof when === "string" ? when : (when ?? new Date(at)).toISOString(),
  };
  const lossy: string[] = [];
  if (fields.job_id !== undefined) body.job_id = fields.job_id;
  if (fields.stage !== undefined) body.stage = fields.stage;
  if (fields.context !== undefined) body.context = JSON.parse(JSON.stringify(fields.context));
  if (fields.properties !== undefined) {
    // A copy, so that the app changing the object after track() changes nothing that is sent.
    body.properties = JSON.parse(JSON.stringify(fields.properties, (key, value) => {
      const proto = value && typeof value === "object" && Object.getPrototypeOf(value);
      if (
        (typeof value === "number" && !isFinite(value)) ||
        (proto && proto !== Object.prototype && proto !== Array.prototype)
      ) lossy.push(key || "properties");
      return value;
    }));
  }
  return { body, size: utf8Length(JSON.stringify(body)), lossy };
}
