/**
 * CORS headers for every response, errors included, so a browser can read why a call failed.
 *
 * @module
 */

/** `"*"` for any origin, or an exact list of allowed origins. */
export type AllowedOrigins = "*" | readonly string[];

const ALLOW_HEADERS = "authorization, x-client-info, apikey, content-type, content-encoding, " +
  "x-request-id";

/**
 * Parses a comma-separated origin list; empty or containing `*` means any origin.
 *
 * @example
 * ```ts
 * parseAllowedOrigins("https://app.example.com, https://admin.example.com/");
 * // ["https://app.example.com", "https://admin.example.com"]
 * ```
 */
export function parseAllowedOrigins(value: string | undefined): AllowedOrigins {
  const origins = (value ?? "").split(",").map((o) => o.trim().replace(/\/+$/, "").toLowerCase())
    .filter((o) => o !== "");
  if (origins.length === 0 || origins.includes("*")) return "*";
  return origins;
}

/**
 * The CORS headers for a request from `origin`. With a list, a listed origin is echoed and others
 * get no `Access-Control-Allow-Origin`, so the browser blocks them; `Vary: Origin` keeps shared
 * caches from serving one origin's answer to another.
 *
 * @example
 * ```ts
 * corsHeaders("https://app.example.com", ["https://app.example.com"])["Access-Control-Allow-Origin"];
 * // "https://app.example.com"
 * ```
 */
export function corsHeaders(
  origin: string | null,
  allowed: AllowedOrigins,
): Record<string, string> {
  const headers: Record<string, string> = {
    "Access-Control-Allow-Headers": ALLOW_HEADERS,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Expose-Headers": "x-request-id, retry-after, ratelimit, ratelimit-policy",
    "Access-Control-Max-Age": "86400",
  };
  if (allowed === "*") {
    headers["Access-Control-Allow-Origin"] = "*";
    return headers;
  }
  headers["Vary"] = "Origin";
  if (origin !== null && allowed.includes(origin.toLowerCase())) {
    headers["Access-Control-Allow-Origin"] = origin;
  }
  return headers;
}
