/**
 * Reads the `sub` claim of a JWT without verifying it: the server verifies; the SDK only needs
 * to know whose queue an event belongs to.
 *
 * @module
 */

/**
 * The `sub` of an access token, or "" when it has none or is not a JWT (such a token gets a 401,
 * and its events wait, keyed by "").
 *
 * @example
 * ```ts
 * subOf("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.sig"); // "user-1"
 * ```
 */
export function subOf(token: string): string {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const sub = JSON.parse(atob(payload + "===".slice((payload.length + 3) % 4))).sub;
    return typeof sub === "string" ? sub : "";
  } catch {
    return "";
  }
}
