/**
 * Numbers that `JSON.parse` would change silently. 1e999 becomes Infinity (stored as null), and
 * an integer past 2^53 - 1 becomes its nearest double (9007199254740993 is stored as
 * 9007199254740992). Both are refused; underflow (1e-400 becomes 0) is ordinary IEEE rounding,
 * off by less than 5e-324, and is accepted.
 *
 * @module
 */
import type { Issue } from "../_shared/errors.ts";

/**
 * True when `n` is stored as sent: finite and within ±(2^53 - 1). 2^53 itself is refused because
 * 9007199254740993 parses to it too. Past 2^53 every double is an integer, so this is the whole rule.
 *
 * @example
 * ```ts
 * isExactNumber(9007199254740991); // true
 * isExactNumber(2 ** 53); // false
 * isExactNumber(Infinity); // false
 * ```
 */
export function isExactNumber(n: number): boolean {
  return n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER;
}

// Keys named in a path; others end it, so a response never echoes arbitrary body text.
const PLAIN_KEY = /^[A-Za-z0-9_$-]{1,64}$/;
const MAX_PATH_CHARS = 200;

interface Frame {
  value: unknown;
  key: string | number | null;
  parent: Frame | null;
}

/**
 * The issue for the first number in `value` (the event's `field`: `properties` or `context`), in
 * document order, that {@link isExactNumber} refuses, or null. The path names the number when it
 * can; a key that is not a plain name, or a path past 200 characters, ends it at a container, and
 * the message says "holds".
 *
 * @example
 * ```ts
 * inexactNumberIssue({ list: [1, Infinity] }, 0);
 * // { index: 0, path: "properties.list.1", message: "is a number too large to store: it would become Infinity" }
 * ```
 */
export function inexactNumberIssue(
  value: unknown,
  index: number,
  field = "properties",
): Issue | null {
  const stack: Frame[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const item = frame.value;
    if (typeof item === "number" && !isExactNumber(item)) {
      const { path, complete } = pathOf(frame, field);
      const problem = Number.isFinite(item)
        ? "a number beyond ±9007199254740991 that cannot be stored exactly: send it as a string"
        : "a number too large to store: it would become Infinity";
      return { index, path, message: `${complete ? "is" : "holds"} ${problem}` };
    }
    if (typeof item === "object" && item !== null) {
      const keys: (string | number)[] = Array.isArray(item)
        ? item.map((_, i) => i)
        : Object.keys(item);
      // Reversed onto the stack, so that the first child is visited first.
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        stack.push({ value: (item as Record<string, unknown>)[key], key, parent: frame });
      }
    }
  }
  return null;
}

function pathOf(frame: Frame, field: string): { path: string; complete: boolean } {
  const keys: (string | number)[] = [];
  for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) keys.push(f.key);
  let path = field;
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i];
    const segment = typeof key === "number" || PLAIN_KEY.test(key) ? String(key) : null;
    if (segment === null || path.length + 1 + segment.length > MAX_PATH_CHARS) {
      return { path, complete: false };
    }
    path += "." + segment;
  }
  return { path, complete: true };
}
