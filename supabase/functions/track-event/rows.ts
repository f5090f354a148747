/**
 * Maps valid events to `analytics_events` rows. Rows never carry `user_id` or `received_at`:
 * the database fills them (`auth.uid()`, `now()`), so a client cannot choose either.
 *
 * @module
 */
import type { Database } from "../_shared/database.types.ts";
import { ValidationError } from "../_shared/errors.ts";
import { correctOccurredAt } from "./clock_skew.ts";
import type { JsonObject } from "./event_schema.ts";
import { MIN_TIMESTAMP_MS, toIsoString } from "./rfc3339.ts";
import type { TrackRequest } from "./schema.ts";

/** An `analytics_events` insert, as the generated database types describe it. */
export type EventInsert = Database["public"]["Tables"]["analytics_events"]["Insert"];

/**
 * One row for the insert: the columns the function writes, every one present (a multi-row insert
 * needs the same keys in every row), and `properties` narrowed to an object, as the table's check
 * constraint requires. Derived from the generated types, so a renamed column fails `deno check`.
 */
export type EventRow =
  & Required<Pick<EventInsert, "event_id" | "event" | "job_id" | "stage" | "occurred_at">>
  & { properties: JsonObject; context: JsonObject };

/** The rows to send, and for each request event its id and whether it repeats an earlier one. */
export interface RowPlan {
  rows: EventRow[];
  eventIds: string[];
  repeats: boolean[];
}

/**
 * Builds one row per distinct `event_id`, in request order; a later event with an id already
 * seen in the batch is marked as a repeat and sends no row.
 *
 * @example
 * ```ts
 * const plan = planRows({ events: [{ event: "a", jobId: null, stage: null, properties: {}, context: {} }] },
 *   new Date("2024-01-01T00:00:00Z"), () => crypto.randomUUID());
 * plan.rows[0].occurred_at; // "2024-01-01T00:00:00.000Z"
 * ```
 */
export function planRows(
  request: TrackRequest,
  receivedAt: Date,
  newEventId: () => string,
): RowPlan {
  const plan: RowPlan = { rows: [], eventIds: [], repeats: [] };
  const seen = new Set<string>();
  const { events, sentAt } = request;
  const receivedAtMs = receivedAt.getTime();
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const occurredAt = correctOccurredAt({
      occurredAt: event.occurredAt,
      sentAt,
      receivedAt: receivedAtMs,
    });
    if (occurredAt < MIN_TIMESTAMP_MS) {
      throw new ValidationError("validation_failed", "Some events are not valid", [{
        index,
        path: "occurred_at",
        message: "is before year 1 once corrected by sent_at",
      }]);
    }
    const eventId = event.eventId ?? newEventId();
    const repeat = seen.has(eventId);
    plan.eventIds.push(eventId);
    plan.repeats.push(repeat);
    if (repeat) continue;
    seen.add(eventId);
    plan.rows.push({
      event_id: eventId,
      event: event.event,
      job_id: event.jobId,
      stage: event.stage,
      properties: event.properties,
      context: event.context,
      occurred_at: toIsoString(occurredAt),
    });
  }
  return plan;
}

/**
 * The distinct non-null job ids of some rows, in first-seen order.
 *
 * @example
 * ```ts
 * referencedJobIds([{ job_id: "b" }, { job_id: null }, { job_id: "a" }, { job_id: "b" }]);
 * // ["b", "a"]
 * ```
 */
export function referencedJobIds(rows: readonly { job_id: string | null }[]): string[] {
  const ids = new Set<string>();
  for (const row of rows) if (row.job_id !== null) ids.add(row.job_id);
  return [...ids];
}
