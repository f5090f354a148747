/**
 * The zod schema of one event, strict like the table it fills: a field Postgres would reject
 * is a 400 here, never a 500 from the insert.
 *
 * @module
 */
// zod's smaller functional entry point: the same validation core, without the method-chaining
// classes and the English locale, which all cost load time at a cold start (docs/BENCHMARKS.md).
// Every message here is our own, so no locale is needed.
import { z } from "zod/mini";
import type { Json } from "../_shared/database.types.ts";
import type { Issue } from "../_shared/errors.ts";
import type { IssueList } from "../_shared/issue_list.ts";
import { MAX_EVENT_NAME_CHARS, MAX_STAGE_CHARS } from "./limits.ts";
import { parseRfc3339 } from "./rfc3339.ts";

/** A JSON object from JSON.parse, as the `properties` column must hold (its check constraint). */
export type JsonObject = { [key: string]: Json | undefined };

/** One valid event, normalized: lowercase UUIDs, timestamps as epoch milliseconds. */
export interface TrackedEvent {
  event: string;
  eventId?: string;
  jobId: string | null;
  stage: string | null;
  properties: JsonObject;
  context: JsonObject;
  occurredAt?: number;
}

// Postgres accepts any 8-4-4-4-12 hex UUID, not only RFC 9562 versions, so do we.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Cc, plus the line and paragraph separators that glibc's [[:cntrl:]] also counts.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const SAFE_FIELD_NAME = /^[A-Za-z0-9_$.-]{1,64}$/;

const required = (expected: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? "is required" : `must be ${expected}`;

/** Text counted in code points, as Postgres `char_length` counts, without control characters. */
const text = (max: number) =>
  z.string({ error: required("a string") }).check(
    z.refine((s) => {
      const length = codePointLength(s);
      return length >= 1 && length <= max;
    }, `must be 1 to ${max} characters`),
    z.refine((s) => !CONTROL.test(s), "must not contain control characters"),
  );

/**
 * Code points in `s`, as `[...s].length` counts them (a lone surrogate counts as one), without
 * building the array.
 *
 * @example
 * ```ts
 * codePointLength("a😀"); // 2
 * ```
 */
export function codePointLength(s: string): number {
  let length = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

const uuid = z.string({ error: required("a UUID") }).check(z.regex(UUID, "must be a UUID"));

const timestamp = z.string({ error: required("an RFC 3339 timestamp") }).check(
  z.refine((s) => parseRfc3339(s) !== null, "must be an RFC 3339 timestamp with an offset"),
);

/**
 * True for `{...}` from JSON.parse; false for arrays, null and scalars.
 *
 * @example
 * ```ts
 * isJsonObject({}); // true
 * isJsonObject([]); // false
 * ```
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The fields an event may have; any other key is a 400. */
export const EVENT_FIELDS = {
  event: text(MAX_EVENT_NAME_CHARS),
  event_id: z.optional(uuid),
  job_id: z.optional(z.nullable(uuid)),
  stage: z.optional(text(MAX_STAGE_CHARS)),
  // z.custom keeps the very object JSON.parse made; a copy would turn an own "__proto__" key
  // into a prototype.
  properties: z.optional(z.custom<JsonObject>(isJsonObject, "must be a JSON object")),
  context: z.optional(z.custom<JsonObject>(isJsonObject, "must be a JSON object")),
  occurred_at: z.optional(timestamp),
};

const eventSchema = z.strictObject(EVENT_FIELDS, { error: "must be an object" });

/**
 * Validates one event. Returns the normalized event, or null after adding the issues found
 * (tagged with `index`) to `issues`.
 *
 * @example
 * ```ts
 * parseEvent({ event: "page_view", job_id: null }, 0, new IssueList());
 * // { event: "page_view", jobId: null, stage: null, properties: {}, context: {} }
 * ```
 */
export function parseEvent(input: unknown, index: number, issues: IssueList): TrackedEvent | null {
  const result = eventSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) addIssue(issue, index, issues);
    return null;
  }
  const data = result.data;
  return {
    event: data.event,
    eventId: data.event_id?.toLowerCase(),
    jobId: data.job_id?.toLowerCase() ?? null,
    stage: data.stage ?? null,
    properties: data.properties ?? {},
    context: data.context ?? {},
    occurredAt: data.occurred_at === undefined ? undefined : parseRfc3339(data.occurred_at)!,
  };
}

function addIssue(issue: z.core.$ZodIssue, index: number, issues: IssueList): void {
  if (issue.code === "unrecognized_keys") {
    issues.addEach(issue.keys, (key) => unknownKeyIssue(index, key));
  } else {
    issues.add({ index, path: issue.path.map(String).join("."), message: issue.message });
  }
}

/**
 * The issue for a key that is not allowed. The key is named only when it looks like a field
 * name, so a response never echoes arbitrary body text.
 *
 * @example
 * ```ts
 * unknownKeyIssue(0, "colour"); // { index: 0, path: "colour", message: "is not a known field" }
 * ```
 */
export function unknownKeyIssue(index: number | null, key: string): Issue {
  if (key === "user_id") {
    return {
      index,
      path: key,
      message: "user_id is not accepted: the user comes from the access token",
    };
  }
  if (SAFE_FIELD_NAME.test(key)) return { index, path: key, message: "is not a known field" };
  return { index, path: "", message: "has a field that is not known" };
}
