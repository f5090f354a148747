/**
 * A fake track-event endpoint: accepts tokens made by `fakeToken`, stores each (user, event id)
 * once, and answers in the function's format. Tests queue faults for the next requests and read
 * what was stored, and with which user's token each event arrived.
 *
 * @module
 */
import { subOf } from "../src/token.ts";
import { json } from "./fakes.ts";

export type Fault =
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Any answer at all: an HTML page, an empty 204, a redirect. */
  | { kind: "raw"; response: () => Response }
  | { kind: "network" }
  /** Stores the batch, then loses the answer: the client must retry and get duplicates. */
  | { kind: "lost_answer" };

export interface ReceivedRequest {
  sub: string;
  token: string;
  headers: Headers;
  body: { events: Record<string, unknown>[]; sent_at: string };
}

export function fakeServer(options: { revoked?: Set<string> } = {}) {
  /** How many times each (user, event id) arrived; the first arrival stored it. */
  const received = new Map<string, number>();
  const requests: ReceivedRequest[] = [];
  const faults: Fault[] = [];
  const revoked = options.revoked ?? new Set<string>();

  const store = (sub: string, events: Record<string, unknown>[]) =>
    events.map((e) => {
      const key = `${sub}/${e.event_id}`;
      const before = received.get(key) ?? 0;
      received.set(key, before + 1);
      return { event_id: e.event_id, status: before ? "duplicate" : "created" };
    });

  const fetch = async (_url: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const token = (headers.get("authorization") ?? "").replace(/^Bearer /, "");
    let text = init.body as string | Uint8Array;
    if (headers.get("content-encoding") === "gzip") {
      const stream = new Blob([text as Uint8Array<ArrayBuffer>]).stream()
        .pipeThrough(new DecompressionStream("gzip"));
      text = await new Response(stream).text();
    }
    const body = JSON.parse(text as string);
    const sub = subOf(token);
    requests.push({ sub, token, headers, body });
    const fault = faults.shift();
    if (fault?.kind === "network") throw new TypeError("fetch failed");
    if (fault?.kind === "status") return json(fault.status, fault.body ?? {}, fault.headers);
    if (fault?.kind === "raw") return fault.response();
    if (!sub || revoked.has(token)) return json(401, { error: { code: "invalid_token" } });
    const events = store(sub, body.events);
    if (fault?.kind === "lost_answer") throw new TypeError("connection reset");
    const created = events.filter((e) => e.status === "created").length;
    return json(created ? 201 : 200, {
      accepted: created,
      duplicates: events.length - created,
      events,
    });
  };

  return {
    fetch,
    requests,
    faults,
    /** Whether the event is stored for `sub` (the first arrival stored it; later ones were duplicates). */
    isStored: (sub: string, eventId: string) => received.has(`${sub}/${eventId}`),
    /** How many times the event arrived for `sub`. */
    arrivals: (sub: string, eventId: string) => received.get(`${sub}/${eventId}`) ?? 0,
    storedCount: () => received.size,
  };
}
