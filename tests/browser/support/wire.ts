/**
 * What the browser actually sent to the function: each POST's bearer token subject and event
 * ids (gzip bodies decompressed), and each response's status. Seen from the browser's network
 * layer, so it shows what left the page, whatever the SDK believes.
 *
 * @example
 * ```ts
 * const wire = recordTrackRequests(context);
 * // ... drive the page ...
 * const sends = await wire.requests();
 * ```
 */
import type { BrowserContext, Request } from "playwright-core";
import { waitUntil } from "./wait.ts";

export interface SentRequest {
  /** The bearer token (a test token), or null without one. */
  token: string | null;
  /** The `sub` claim of the bearer token, or null without one. */
  sub: string | null;
  eventIds: string[];
  /** The response status, or null when the request failed or is still open. */
  status: number | null;
}

/** The `sub` of a JWT, read without verifying it (the server verifies). */
export function subOf(authorization: string | undefined): string | null {
  const token = authorization?.replace(/^Bearer /i, "");
  const payload = token?.split(".")[1];
  if (!payload) return null;
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(json).sub ?? null;
}

async function bodyText(request: Request, encoding: string | undefined): Promise<string> {
  const bytes = request.postDataBuffer();
  if (!bytes) return "";
  if (encoding !== "gzip") return new TextDecoder().decode(bytes);
  const stream = new Blob([new Uint8Array(bytes)]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

async function describe(request: Request): Promise<SentRequest> {
  const headers = await request.allHeaders();
  const text = await bodyText(request, headers["content-encoding"]);
  const body = text ? JSON.parse(text) : {};
  const events: { event_id?: string }[] = Array.isArray(body.events) ? body.events : [body];
  const response = await request.response().catch(() => null);
  return {
    token: headers["authorization"]?.replace(/^Bearer /i, "") ?? null,
    sub: subOf(headers["authorization"]),
    eventIds: events.map((event) => String(event.event_id)),
    status: response?.status() ?? null,
  };
}

/** Starts recording the context's POSTs to the track-event function. */
export function recordTrackRequests(context: BrowserContext) {
  const seen: Promise<SentRequest>[] = [];
  context.on("requestfinished", (request) => {
    if (request.method() === "POST" && request.url().includes("/functions/v1/track-event")) {
      seen.push(describe(request));
    }
  });
  context.on("requestfailed", (request) => {
    if (request.method() === "POST" && request.url().includes("/functions/v1/track-event")) {
      seen.push(describe(request).then((sent) => ({ ...sent, status: null })));
    }
  });
  const requests = () => Promise.all(seen);
  return {
    /** Every request finished or failed so far. */
    requests,
    /**
     * Waits until the network has seen every one of `ids` acknowledged (the browser's events can
     * trail the database by a moment), then returns how often each id was acknowledged.
     */
    acknowledged: (ids: string[]) =>
      waitUntil(`${ids.length} events acknowledged on the wire`, async () => {
        const counts = acknowledgedCounts(await requests());
        return ids.every((id) => counts.has(id)) ? counts : undefined;
      }),
  };
}

/** How many times each event id was acknowledged with a 2xx. */
export function acknowledgedCounts(requests: SentRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    if (request.status === null || request.status < 200 || request.status >= 300) continue;
    for (const id of request.eventIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
