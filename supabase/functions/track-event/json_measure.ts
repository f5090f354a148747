/**
 * Measures a parsed JSON value without recursion, so that no payload shape can overflow the stack
 * and turn into a 500.
 *
 * @module
 */

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

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | null;
  parent: Frame | null;
}

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
  const result: JsonMeasure = { jsonBytes: 0, pgTextBytes: 0, depth: 0, unstorablePath: null };
  const stack: Frame[] = [{ value, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const item = frame.value;
    if (typeof item === "string") {
      addString(result, item, frame);
    } else if (typeof item === "number") {
      // JSON.parse turns 1e999 into Infinity, which JSON.stringify writes as null.
      const text = Number.isFinite(item) ? String(item) : "null";
      result.jsonBytes += text.length;
      result.pgTextBytes += Number.isFinite(item) ? pgNumericLength(text) : 4;
    } else if (typeof item === "boolean" || item === null) {
      const size = String(item).length;
      result.jsonBytes += size;
      result.pgTextBytes += size;
    } else if (typeof item === "object") {
      const depth = frame.depth + 1;
      result.depth = Math.max(result.depth, depth);
      const entries: [string | number, unknown][] = Array.isArray(item)
        ? item.map((child, index) => [index, child])
        : Object.entries(item);
      const count = entries.length;
      // Brackets, then separators: "," in JSON.stringify, ", " in Postgres.
      result.jsonBytes += 2 + Math.max(0, count - 1);
      result.pgTextBytes += 2 + 2 * Math.max(0, count - 1);
      for (let i = count - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const childFrame: Frame = { value: child, depth, key, parent: frame };
        if (typeof key === "string") {
          // Key text, then ":" in JSON.stringify and ": " in Postgres.
          addString(result, key, childFrame);
          result.jsonBytes += 1;
          result.pgTextBytes += 2;
        }
        stack.push(childFrame);
      }
    }
  }
  return result;
}

function addString(result: JsonMeasure, text: string, frame: Frame): void {
  const { bytes, storable } = jsonStringBytes(text);
  result.jsonBytes += bytes;
  result.pgTextBytes += bytes;
  if (!storable && result.unstorablePath === null) result.unstorablePath = pathOf(frame);
}

/**
 * UTF-8 bytes of a string as JSON text, quotes included, with the escapes both JSON.stringify
 * and Postgres use; `storable` is false for U+0000 or a lone UTF-16 surrogate.
 *
 * @example
 * ```ts
 * jsonStringBytes("é\n"); // { bytes: 6, storable: true }
 * ```
 */
export function jsonStringBytes(text: string): { bytes: number; storable: boolean } {
  let bytes = 2;
  let storable = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 8 || c === 9 || c === 10 || c === 12 || c === 13) {
      bytes += 2;
    } else if (c < 0x20) {
      bytes += 6;
      if (c === 0) storable = false;
    } else if (c < 0x80) {
      bytes += 1;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      bytes += 6; // JSON.stringify escapes a lone surrogate as \udXXX
      storable = false;
    } else {
      bytes += 3;
    }
  }
  return { bytes, storable };
}

/**
 * Length of Postgres's numeric output for a number JSON.stringify printed as `text`. jsonb keeps
 * numbers as numeric, which never prints an exponent: 1e+308 comes back as 309 digits.
 *
 * @example
 * ```ts
 * pgNumericLength("1.5e-7"); // 10, for "0.00000015"
 * ```
 */
export function pgNumericLength(text: string): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(text);
  if (!match) return text.length;
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  const digits = whole + fraction;
  const scale = Math.max(0, fraction.length - exponent);
  const pointAt = whole.length + exponent;
  const leadingZeros = digits.length - digits.replace(/^0+/, "").length;
  const integerDigits = Math.max(1, pointAt - leadingZeros);
  return sign.length + integerDigits + (scale > 0 ? 1 + scale : 0);
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) path.push(f.key);
  return path.reverse();
}
