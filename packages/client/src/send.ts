/**
 * One request: headers, optional gzip, a timeout, and the answer read into the shape
 * `decide()` takes. Network errors and timeouts become status 0.
 *
 * @module
 */
import type { Platform } from "./platform.ts";
import type { Answer } from "./response_action.ts";

/** A request that has not answered by then is treated as a network error. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Smaller bodies are sent as they are: gzip would cost more than it saves. */
export const GZIP_MIN_BYTES = 1024;

export interface SendTarget {
  url: string;
  apiKey: string;
  token: string;
}

/**
 * Posts `body` and reads the answer; never throws.
 *
 * @example
 * ```ts
 * const answer = await send(platform, { url, apiKey, token }, body, false);
 * answer.status; // 201, or 0 when the network failed
 * ```
 */
export async function send(
  platform: Platform,
  target: SendTarget,
  body: string,
  keepalive: boolean,
): Promise<Answer> {
  const headers: Record<string, string> = {
    apikey: target.apiKey,
    authorization: `Bearer ${target.token}`,
    "content-type": "application/json",
  };
  const abort = new AbortController();
  const timer = platform.setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  try {
    let payload: string | Uint8Array = body;
    // keepalive requests leave as the page goes away: no time for an async compression.
    if (!keepalive && platform.gzip && body.length > GZIP_MIN_BYTES) {
      payload = await platform.gzip(body);
      headers["content-encoding"] = "gzip";
    }
    const response = await platform.fetch(target.url, {
      method: "POST",
      headers,
      body: payload as BodyInit,
      keepalive,
      signal: abort.signal,
      // A portal's or an SSO proxy's redirect would end on its sign-in page's 200.
      redirect: "manual",
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // A proxy's HTML error page: the status alone decides.
    }
    return {
      status: response.status,
      redirect: response.type === "opaqueredirect",
      body: parsed,
      retryAfter: response.headers.get("retry-after"),
    };
  } catch {
    return { status: 0, body: null, retryAfter: null };
  } finally {
    platform.clearTimeout(timer);
  }
}
