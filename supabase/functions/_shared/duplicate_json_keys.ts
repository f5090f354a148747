/**
 * Finds repeated member names in JSON text. `JSON.parse` keeps the last of two equal names, other
 * parsers keep the first (RFC 8259 leaves it open), so a token whose claims repeat a name can mean
 * one thing to this function and another to PostgREST: `{"role":"service_role","role":"authenticated"}`.
 *
 * @module
 */

/**
 * True when some object in `json` (which must be valid JSON) names a member twice. Names are
 * compared after unescaping, so `"role"` and `"r\u006fle"` are the same name.
 *
 * @example
 * ```ts
 * hasDuplicateKeys('{"a":1,"b":{"a":2}}'); // false
 * hasDuplicateKeys('{"a":1,"a":2}');       // true
 * ```
 */
export function hasDuplicateKeys(json: string): boolean {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const names = open[open.length - 1];
      if (names && expectName) {
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (char === "{") {
      open.push(new Set());
      expectName = true;
    } else if (char === "[") {
      open.push(null);
      expectName = false;
    } else if (char === "}" || char === "]") {
      open.pop();
      expectName = false;
    } else if (char === ",") {
      expectName = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return false;
}
