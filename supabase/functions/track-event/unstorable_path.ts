/**
 * Finds where a parsed JSON value holds a string Postgres cannot store: U+0000, or a lone UTF-16
 * surrogate. Only called once a cheaper walk has found that there is one.
 *
 * @module
 */
import { scanString } from "./json_text_size.ts";

interface Frame {
  value: unknown;
  key: string | number | null;
  parent: Frame | null;
}

/**
 * The path to the first string or key Postgres cannot store, or null. "First" is in the order
 * of a depth-first walk that checks an object's keys (last key first) before visiting its values
 * in order; a 400 names the path's first element, so this order is part of the responses.
 *
 * @example
 * ```ts
 * locateUnstorable({ a: ["ok", "x\u0000"] }); // ["a", 1]
 * ```
 */
export function locateUnstorable(value: unknown): (string | number)[] | null {
  const stack: Frame[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const item = frame.value;
    if (typeof item === "string") {
      if (scanString(item) < 0) return pathOf(frame);
    } else if (typeof item === "object" && item !== null) {
      const entries: [string | number, unknown][] = Array.isArray(item)
        ? item.map((child, index) => [index, child])
        : Object.entries(item);
      let found: Frame | null = null;
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const childFrame: Frame = { value: child, key, parent: frame };
        if (found === null && typeof key === "string" && scanString(key) < 0) found = childFrame;
        stack.push(childFrame);
      }
      if (found !== null) return pathOf(found);
    }
  }
  return null;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) path.push(f.key);
  return path.reverse();
}
