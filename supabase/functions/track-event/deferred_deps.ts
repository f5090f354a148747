/**
 * Dependencies whose modules load on first use: jose and supabase-js are imported by the first
 * call that needs them, and every later call reuses that import. A new process therefore answers
 * CORS preflights without loading them (loading them in the background from the start blocks the
 * event loop while they compile, so the preflight waited anyway: docs/BENCHMARKS.md).
 *
 * @module
 */
import type { TokenVerifier } from "../_shared/auth.ts";
import type { StoreFactory } from "./store_contract.ts";

/**
 * Calls `load` once, on the first call of the returned function, and returns its promise ever
 * after.
 *
 * @example
 * ```ts
 * const loadAuth = once(() => import("../_shared/auth.ts"));
 * const { createTokenVerifier } = await loadAuth(); // imports
 * await loadAuth(); // the same module, not imported again
 * ```
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => loading ??= load();
}

/**
 * A verifier that makes the real one with `load` on its first call, then delegates to it.
 *
 * @example
 * ```ts
 * const verifyToken = deferredVerifier(async () =>
 *   (await import("../_shared/auth.ts")).createTokenVerifier({ jwtSecret })
 * );
 * ```
 */
export function deferredVerifier(load: () => Promise<TokenVerifier>): TokenVerifier {
  const loading = once(load);
  return async (token, now) => (await loading())(token, now);
}

/**
 * A store factory that makes the real one with `load` on the first query, then delegates to it.
 *
 * @example
 * ```ts
 * const storeFor = deferredStoreFactory(async () =>
 *   (await import("./store.ts")).createSupabaseStoreFactory(options)
 * );
 * await storeFor(accessToken).visibleJobIds([jobId]);
 * ```
 */
export function deferredStoreFactory(load: () => Promise<StoreFactory>): StoreFactory {
  const loading = once(load);
  return (accessToken) => ({
    visibleJobIds: async (jobIds) => (await loading())(accessToken).visibleJobIds(jobIds),
    insertEvents: async (rows) => (await loading())(accessToken).insertEvents(rows),
  });
}
