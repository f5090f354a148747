/**
 * Fakes for the handler's tests: a fixed clock, real HS256 tokens signed with a test secret, a
 * store that records its calls, and a logger that keeps its records.
 *
 * @module
 */
import { SignJWT } from "jose";
import { createTokenVerifier } from "../_shared/auth.ts";
import type { AllowedOrigins } from "../_shared/cors.ts";
import type { LogEntry } from "../_shared/log.ts";
import { createHandler, type HandlerDeps } from "./handler.ts";
import type { OwnershipCache } from "./ownership_cache.ts";
import type { EventRow } from "./rows.ts";
import type { EventStore } from "./store.ts";

export const NOW = new Date("2026-03-01T12:00:00.000Z");
export const TEST_SECRET = "test-secret-that-is-at-least-thirty-two-characters-long";
export const ALICE = "5b8c7f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
export const ALICES_JOB = "11111111-1111-4111-8111-111111111111";
export const BOBS_JOB = "22222222-2222-4222-8222-222222222222";

/** Signs a token like GoTrue's, valid at {@link NOW}; `claims` overrides or removes claims. */
export async function signToken(
  claims: Record<string, unknown> = {},
  secret: string = TEST_SECRET,
): Promise<string> {
  const seconds = Math.floor(NOW.getTime() / 1000);
  const payload: Record<string, unknown> = {
    sub: ALICE,
    role: "authenticated",
    aud: "authenticated",
    iat: seconds - 60,
    exp: seconds + 3600,
    ...claims,
  };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  return await new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/** A store fake: which jobs the caller sees, which event ids already exist, what to throw. */
export class FakeStore implements EventStore {
  visibleJobs = new Set<string>([ALICES_JOB]);
  existingEventIds = new Set<string>();
  failVisible: unknown = null;
  failInsert: unknown = null;
  visibleCalls: string[][] = [];
  insertCalls: EventRow[][] = [];
  tokens: string[] = [];

  visibleJobIds(jobIds: readonly string[]): Promise<Set<string>> {
    this.visibleCalls.push([...jobIds]);
    if (this.failVisible !== null) return Promise.reject(this.failVisible);
    return Promise.resolve(new Set(jobIds.filter((id) => this.visibleJobs.has(id))));
  }

  insertEvents(rows: readonly EventRow[]): Promise<Set<string>> {
    this.insertCalls.push([...rows]);
    if (this.failInsert !== null) return Promise.reject(this.failInsert);
    const created = rows.map((row) => row.event_id).filter((id) => !this.existingEventIds.has(id));
    for (const id of created) this.existingEventIds.add(id);
    return Promise.resolve(new Set(created));
  }

  get rowsInserted(): EventRow[] {
    return this.insertCalls.flat();
  }
}

/** One timer of {@link FakeTimers}. */
export interface FakeTimer {
  delayMs: number;
  fire: () => void;
}

/** A scheduler whose timers fire only when a test fires them. */
export class FakeTimers {
  pending: FakeTimer[] = [];
  scheduled = 0;
  #waiters: (() => void)[] = [];

  schedule = (delayMs: number, callback: () => void): () => void => {
    const timer: FakeTimer = {
      delayMs,
      fire: () => {
        this.#cancel(timer);
        callback();
      },
    };
    this.pending.push(timer);
    this.scheduled++;
    for (const wake of this.#waiters.splice(0)) wake();
    return () => this.#cancel(timer);
  };

  /** The first pending timer, once there is one. */
  async whenScheduled(): Promise<FakeTimer> {
    while (this.pending.length === 0) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.pending[0];
  }

  #cancel(timer: FakeTimer): void {
    this.pending = this.pending.filter((other) => other !== timer);
  }
}

/** A handler wired with fakes, and the fakes to inspect. */
export interface TestRig {
  handle: (request: Request) => Promise<Response>;
  store: FakeStore;
  logs: LogEntry[];
  timers: FakeTimers;
  deps: HandlerDeps;
}

/** Builds the handler with fakes; `options` swaps in a clock, origins, a cache or a deadline. */
export function createRig(
  options: {
    now?: () => Date;
    allowedOrigins?: AllowedOrigins;
    cache?: OwnershipCache;
    bodyTimeoutMs?: number;
  } = {},
): TestRig {
  const store = new FakeStore();
  const logs: LogEntry[] = [];
  const timers = new FakeTimers();
  let requestCount = 0;
  let eventCount = 0;
  const deps: HandlerDeps = {
    now: options.now ?? (() => NOW),
    newRequestId: () => `req-${++requestCount}`,
    newEventId: () => `00000000-0000-4000-8000-${String(++eventCount).padStart(12, "0")}`,
    verifyToken: createTokenVerifier({ jwtSecret: TEST_SECRET }),
    storeFor: (token) => {
      store.tokens.push(token);
      return store;
    },
    ownershipCache: options.cache,
    logger: { log: (entry) => logs.push(entry) },
    schedule: timers.schedule,
    config: {
      allowedOrigins: options.allowedOrigins ?? "*",
      bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000,
    },
  };
  return { handle: createHandler(deps), store, logs, timers, deps };
}

/** A POST to the function; `body` is JSON-encoded unless it is already a string or bytes. */
export function post(
  body: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const raw = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  // As an HTTP client does; a test may declare another length.
  const length = typeof raw === "string"
    ? new TextEncoder().encode(raw).byteLength
    : raw.byteLength;
  return new Request("http://localhost/track-event", {
    method: "POST",
    headers: { ...headers, "content-length": String(length), ...options.headers },
    body: raw as BodyInit,
  });
}

/** gzip-compresses text, as a mobile SDK does for large batches. */
export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The response's JSON body as a loose record. */
// deno-lint-ignore no-explicit-any
export async function jsonOf(response: Response): Promise<Record<string, any>> {
  return await response.json();
}
