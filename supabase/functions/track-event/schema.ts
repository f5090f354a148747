/**
 * The request body: one event, or `{ events: [...], sent_at? }`. Checks run in the contract's
 * order: batch shape, then sizes (413), then each event's fields (400).
 *
 * @module
 */
import { PayloadTooLargeError, ValidationError } from "../_shared/errors.ts";
import { IssueList } from "../_shared/issue_list.ts";
import {
  EVENT_FIELDS,
  isJsonObject,
  parseEvent,
  type TrackedEvent,
  unknownKeyIssue,
} from "./event_schema.ts";
import { type EventMeasure, measureEvent, measureJson } from "./json_measure.ts";
import { inexactNumberIssue } from "./number_range.ts";
import {
  MAX_CONTEXT_DEPTH,
  MAX_CONTEXT_TEXT_BYTES,
  MAX_EVENT_BYTES,
  MAX_EVENTS,
  MAX_PROPERTIES_DEPTH,
  MAX_PROPERTIES_TEXT_BYTES,
} from "./limits.ts";
import { parseRfc3339 } from "./rfc3339.ts";

export type { TrackedEvent } from "./event_schema.ts";

/** A valid body: the events in request order and the batch's `sent_at`, if any. */
export interface TrackRequest {
  events: TrackedEvent[];
  sentAt?: number;
}

/**
 * Validates a parsed JSON body. Throws {@link ValidationError} (400) or
 * {@link PayloadTooLargeError} (413) listing every issue found, each with its event index.
 *
 * @example
 * ```ts
 * parseTrackRequest({ events: [{ event: "a" }], sent_at: "2024-01-01T00:00:00Z" });
 * // { events: [{ event: "a", jobId: null, stage: null, properties: {}, context: {} }],
 * //   sentAt: 1704067200000 }
 * ```
 */
export function parseTrackRequest(body: unknown): TrackRequest {
  const { inputs, sentAt } = batchShape(body);
  // One walk per event serves both the size checks (413) and the storage checks (400).
  const measures = inputs.map(measureInput);
  assertSizes(measures);
  const events: TrackedEvent[] = [];
  const issues = new IssueList();
  for (let index = 0; index < inputs.length; index++) {
    storageIssues(measures[index], inputs[index], index, issues);
    const event = parseEvent(inputs[index], index, issues);
    if (event !== null) events.push(event);
  }
  issues.throwIfAny("Some events are not valid");
  return { events, sentAt };
}

function batchShape(body: unknown): { inputs: unknown[]; sentAt?: number } {
  if (!isJsonObject(body)) {
    throw new ValidationError("validation_failed", "The body is not valid", [
      { index: null, path: "", message: "must be an event object or { events: [...] }" },
    ]);
  }
  if (!Object.hasOwn(body, "events")) return { inputs: [body] };

  const issues = new IssueList();
  const unknownKeys = Object.keys(body).filter((key) => key !== "events" && key !== "sent_at");
  issues.addEach(unknownKeys, (key) => unknownKeyIssue(null, key));
  let sentAt: number | undefined;
  if (Object.hasOwn(body, "sent_at")) {
    const parsed = typeof body.sent_at === "string" ? parseRfc3339(body.sent_at) : null;
    if (parsed === null) {
      issues.add({
        index: null,
        path: "sent_at",
        message: "must be an RFC 3339 timestamp with an offset",
      });
    } else sentAt = parsed;
  }
  if (!Array.isArray(body.events)) {
    issues.add({ index: null, path: "events", message: "must be an array of events" });
  }
  issues.throwIfAny("The body is not valid");

  const inputs = body.events as unknown[];
  if (inputs.length === 0) {
    throw new ValidationError("empty_batch", "A batch needs at least one event", [
      { index: null, path: "events", message: "must not be empty" },
    ]);
  }
  if (inputs.length > MAX_EVENTS) {
    throw new ValidationError("too_many_events", `A batch holds at most ${MAX_EVENTS} events`, [
      { index: null, path: "events", message: `must have at most ${MAX_EVENTS} events` },
    ]);
  }
  return { inputs, sentAt };
}

/** An event object's measure; anything else is only sized (its schema issue comes later). */
function measureInput(input: unknown): EventMeasure {
  if (isJsonObject(input)) return measureEvent(input);
  return {
    jsonBytes: measureJson(input).jsonBytes,
    properties: null,
    context: null,
    unstorableField: null,
  };
}

/** The object fields measured on their own, with their stored-size and nesting caps. */
const OBJECT_FIELDS = [
  { field: "properties", maxTextBytes: MAX_PROPERTIES_TEXT_BYTES, maxDepth: MAX_PROPERTIES_DEPTH },
  { field: "context", maxTextBytes: MAX_CONTEXT_TEXT_BYTES, maxDepth: MAX_CONTEXT_DEPTH },
] as const;

function assertSizes(measures: EventMeasure[]): void {
  const issues = new IssueList();
  measures.forEach((measure, index) => {
    if (measure.jsonBytes > MAX_EVENT_BYTES) {
      issues.add({ index, path: "", message: `is larger than ${MAX_EVENT_BYTES} bytes of JSON` });
      return;
    }
    // jsonb prints numbers in full (1e300 becomes 301 digits), so check the stored size too.
    for (const { field, maxTextBytes } of OBJECT_FIELDS) {
      const own = measure[field];
      if (own !== null && own.pgTextBytes > maxTextBytes) {
        issues.add({
          index,
          path: field,
          message: `is larger than ${maxTextBytes} bytes once stored`,
        });
      }
    }
  });
  if (issues.count > 0) {
    const first = issues.listed[0].index;
    throw new PayloadTooLargeError(`Event ${first} is over a size limit`, {
      index: first,
      limit_bytes: MAX_EVENT_BYTES,
      issues: issues.listed,
      issue_count: issues.count,
    });
  }
}

/**
 * Strings Postgres cannot store, properties or context nested deeper than allowed, and numbers
 * that JSON.parse changed.
 */
function storageIssues(
  measure: EventMeasure,
  input: unknown,
  index: number,
  issues: IssueList,
): void {
  const field = measure.unstorableField;
  // Under an unknown key the event already fails as a whole, so name only known fields.
  if (field !== null && Object.hasOwn(EVENT_FIELDS, field)) {
    issues.add({
      index,
      path: field,
      message: "must not contain U+0000 or unpaired UTF-16 surrogates",
    });
  }
  for (const { field, maxDepth } of OBJECT_FIELDS) {
    const own = measure[field];
    if (own === null) continue;
    if (own.depth > maxDepth) {
      issues.add({ index, path: field, message: `must not nest deeper than ${maxDepth} levels` });
    }
    // Rare, so the path is found by a second walk only when the first saw such a number.
    if (!own.exactNumbers) {
      const issue = inexactNumberIssue((input as Record<string, unknown>)[field], index, field);
      if (issue !== null) issues.add(issue);
    }
  }
}
