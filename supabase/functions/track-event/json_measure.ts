/**
 * Measures a parsed JSON value without recursion, so that no payload shape can overflow the stack
 * and turn into a 500. One walk gives every number the size and storage checks need.
 *
 * @module
 */
import { pgNumericLength, scanString } from "./json_text_size.ts";
import { isExactNumber } from "./number_range.ts";
import { locateUnstorable } from "./unstorable_path.ts";

/** What one walk over a JSON value finds. */
export interface JsonMeasure {
  /** UTF-8 bytes of `JSON.stringify(value)`. */
  jsonBytes: number;
  /** UTF-8 bytes of the text Postgres prints for the value stored as jsonb (`value::text`). */
  pgTextBytes: number;
  /** Containers on the deepest path: `{}` is 1, `{"a":[]}` is 2, a scalar is 0. */
  depth: number;
  /** Path to the first string or key Postgres cannot store (U+0000 or a lone surrogate). */
  unstorablePath: (string | number)[] | null;
}

/**
 * The running totals of a walk; `storable` turns false at the first unstorable string, `exact`
 * at the first number that JSON.parse changed (see `number_range.ts`).
 */
interface Totals {
  jsonBytes: number;
  pgTextBytes: number;
  depth: number;
  storable: boolean;
  exact: boolean;
}

const newTotals = (): Totals => ({
  jsonBytes: 0,
  pgTextBytes: 0,
  depth: 0,
  storable: true,
  exact: true,
});

/**
 * Walks a value that came from `JSON.parse` with an explicit stack.
 *
 * @example
 * ```ts
 * measureJson({ a: [1, "x"] });
 * // { jsonBytes: 13, pgTextBytes: 16, depth: 2, unstorablePath: null }
 * ```
 */
export function measureJson(value: unknown): JsonMeasure {
  const totals = newTotals();
  walk(value, totals);
  return {
    jsonBytes: totals.jsonBytes,
    pgTextBytes: totals.pgTextBytes,
    depth: totals.depth,
    // Rare, so the path is found by a second walk only when there is one.
    unstorablePath: totals.storable ? null : locateUnstorable(value),
  };
}

/** An object-valued field (`properties`, `context`) measured on its own. */
export interface ObjectFieldMeasure {
  pgTextBytes: number;
  depth: number;
  exactNumbers: boolean;
}

/** The size and storage facts of one event object, from a single walk. */
export interface EventMeasure {
  /** UTF-8 bytes of `JSON.stringify(event)`. */
  jsonBytes: number;
  /**
   * `properties` measured on its own, when it is a JSON object; `exactNumbers` is false when it
   * holds a number that JSON.parse made Infinity or rounded past 2^53 - 1.
   */
  properties: ObjectFieldMeasure | null;
  /** `context` measured on its own, like `properties`. */
  context: ObjectFieldMeasure | null;
  /** The first element of {@link JsonMeasure.unstorablePath} for the whole event, if any. */
  unstorableField: string | null;
}

/**
 * Measures an event object once: what `measureJson(event)`, `measureJson(event.properties)` and
 * `measureJson(event.context)` would tell, without walking either field twice.
 *
 * @example
 * ```ts
 * measureEvent({ event: "a", properties: { n: 1 } });
 * // { jsonBytes: 34, properties: { pgTextBytes: 8, depth: 1, exactNumbers: true },
 * //   context: null, unstorableField: null }
 * ```
 */
export function measureEvent(event: Record<string, unknown>): EventMeasure {
  const totals = newTotals();
  const fields: Record<string, Totals> = {};
  const keys = Object.keys(event);
  totals.jsonBytes += 2 + Math.max(0, keys.length - 1);
  for (const key of keys) {
    // Key text, then ":".
    addString(totals, key);
    totals.jsonBytes += 1;
    const value = event[key];
    if ((key === "properties" || key === "context") && isObject(value)) {
      const own = fields[key] = newTotals();
      walk(value, own);
      totals.jsonBytes += own.jsonBytes;
      if (!own.storable) totals.storable = false;
    } else {
      walk(value, totals);
    }
  }
  const path = totals.storable ? null : locateUnstorable(event);
  return {
    jsonBytes: totals.jsonBytes,
    properties: fieldMeasure(fields.properties),
    context: fieldMeasure(fields.context),
    unstorableField: path === null ? null : String(path[0]),
  };
}

function fieldMeasure(totals: Totals | undefined): ObjectFieldMeasure | null {
  if (totals === undefined) return null;
  return { pgTextBytes: totals.pgTextBytes, depth: totals.depth, exactNumbers: totals.exact };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Adds `value` to `totals`; containers go on a stack of their own, scalars are added inline. */
function walk(value: unknown, totals: Totals): void {
  if (addScalar(totals, value)) return;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const item = stack.pop() as object;
    const depth = depths.pop()!;
    if (depth > totals.depth) totals.depth = depth;
    if (Array.isArray(item)) {
      addContainer(totals, item.length);
      for (let i = 0; i < item.length; i++) {
        const child = item[i];
        if (!addScalar(totals, child)) {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      addContainer(totals, keys.length);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        // Key text, then ":" in JSON.stringify and ": " in Postgres.
        addString(totals, key);
        totals.jsonBytes += 1;
        totals.pgTextBytes += 2;
        const child = record[key];
        if (!addScalar(totals, child)) {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
}

/** Brackets, then separators: "," in JSON.stringify, ", " in Postgres. */
function addContainer(totals: Totals, count: number): void {
  const separators = Math.max(0, count - 1);
  totals.jsonBytes += 2 + separators;
  totals.pgTextBytes += 2 + 2 * separators;
}

/** Adds a scalar and returns true; returns false, adding nothing, for an object or array. */
function addScalar(totals: Totals, item: unknown): boolean {
  if (typeof item === "string") {
    addString(totals, item);
  } else if (typeof item === "number") {
    if (!isExactNumber(item)) totals.exact = false;
    if (Number.isFinite(item)) {
      const text = String(item);
      totals.jsonBytes += text.length;
      // An integer below 1e21 prints as plain digits in both; anything else may need expanding.
      totals.pgTextBytes += Number.isInteger(item) && Math.abs(item) < 1e21
        ? text.length
        : pgNumericLength(text);
    } else {
      // JSON.parse turns 1e999 into Infinity, which JSON.stringify writes as null.
      totals.jsonBytes += 4;
      totals.pgTextBytes += 4;
    }
  } else if (item === true || item === null) {
    totals.jsonBytes += 4;
    totals.pgTextBytes += 4;
  } else if (item === false) {
    totals.jsonBytes += 5;
    totals.pgTextBytes += 5;
  } else if (typeof item === "object") {
    return false;
  }
  return true;
}

function addString(totals: Totals, text: string): void {
  const bytes = scanString(text);
  if (bytes < 0) totals.storable = false;
  totals.jsonBytes += Math.abs(bytes);
  totals.pgTextBytes += Math.abs(bytes);
}
