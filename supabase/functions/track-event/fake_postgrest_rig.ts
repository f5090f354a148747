/**
 * For tests: the real handler and the real supabase-js store over a fake PostgREST, so what
 * PostgREST answers is mapped exactly as in production. Only `fetch` is faked, never patched.
 *
 * @module
 */
import { createTokenVerifier } from "../_shared/auth.ts";
import type { LogEntry } from "../_shared/log.ts";
import { createHandler, type HandlerDeps } from "./handler.ts";
import { createSupabaseStoreFactory } from "./store.ts";
import { NOW, TEST_SECRET } from "./test_support.ts";

/**
 * Builds the handler whose store sends every PostgREST request to `fetchImpl`; `extra` adds
 * optional dependencies (a refusal memory, an ownership cache).
 *
 * @example
 * ```ts
 * const { handle, logs } = handlerOverFakePostgrest(() => Promise.resolve(Response.json([])));
 * ```
 */
export function handlerOverFakePostgrest(
  fetchImpl: typeof fetch,
  upstreamTimeoutMs = 1000,
  extra: Pick<HandlerDeps, "refusalMemory" | "ownershipCache"> = {},
) {
  const logs: LogEntry[] = [];
  const handle = createHandler({
    now: () => NOW,
    newRequestId: () => "req-1",
    newEventId: () => crypto.randomUUID(),
    verifyToken: createTokenVerifier({ jwtSecret: TEST_SECRET }),
    storeFor: createSupabaseStoreFactory({
      url: "http://db.test",
      anonKey: "anon",
      timeoutMs: upstreamTimeoutMs,
      fetch: fetchImpl,
    }),
    logger: { log: (entry) => logs.push(entry) },
    // No body in these tests arrives late: a deadline that never fires.
    schedule: () => () => {},
    config: { allowedOrigins: "*", bodyTimeoutMs: 10_000 },
    ...extra,
  });
  return { handle, logs };
}
