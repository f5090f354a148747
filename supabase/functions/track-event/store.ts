/**
 * Data access through supabase-js, always as the caller: the caller's own token goes with every
 * query, so Row Level Security decides what it may see and insert. No service_role key here.
 *
 * @module
 */
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../_shared/database.types.ts";
import { UpstreamUnavailableError } from "../_shared/errors.ts";
import { ingestLimitRefusal } from "./ingest_limit_refusal.ts";
import { type StoreFactory, StoreRejectedError } from "./store_contract.ts";

export { type EventStore, type StoreFactory, StoreRejectedError } from "./store_contract.ts";

/** Where PostgREST is and how long to wait for it. */
export interface SupabaseStoreOptions {
  url: string;
  anonKey: string;
  timeoutMs: number;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

// PostgREST codes for "cannot reach or wait for the database", and SQLSTATEs for a connection
// lost, a server shutting down or a timeout: nothing was stored, so retrying is safe.
const UNAVAILABLE_CODES = new Set(["PGRST000", "PGRST001", "PGRST002", "PGRST003", "57014"]);
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0|40001|40P01)/;
const UNIQUE_VIOLATION = "23505";

/**
 * One supabase-js client for the process; each query sets the caller's Authorization header.
 * postgrest-js copies headers per query builder, so callers never share a token.
 *
 * @example
 * ```ts
 * const storeFor = createSupabaseStoreFactory({ url, anonKey, timeoutMs: 5000 });
 * const visible = await storeFor(accessToken).visibleJobIds([jobId]);
 * ```
 */
export function createSupabaseStoreFactory(options: SupabaseStoreOptions): StoreFactory {
  // Typed by the generated database types: table, column and function names, and the rows sent
  // and returned, are checked against the migrations by `deno check`.
  const client = createClient<Database>(options.url, options.anonKey, {
    global: { fetch: withTimeout(options.fetch ?? fetch, options.timeoutMs) },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // Fail fast with 503 and Retry-After: the client retries, not this request's CPU budget.
    db: { retry: false },
  });
  return (accessToken) => {
    const authorization = `Bearer ${accessToken}`;
    return {
      async visibleJobIds(jobIds) {
        // A POST to public.visible_job_ids, not a GET with `id=in.(...)`: 500 ids would make a
        // URL of about 19 KB, past the 8 KB gateways accept. The jobs policies still decide.
        const result = await client.rpc("visible_job_ids", { job_ids: [...jobIds] })
          .setHeader("Authorization", authorization);
        const rows = check(result);
        return new Set(rows.map((row) => row.id.toLowerCase()));
      },
      async insertEvents(rows) {
        // Most requests carry only new events: a plain insert, as a direct
        // `supabase.from(...).insert()` does, stores them without the speculative insertion of
        // ON CONFLICT and without returning rows.
        const plain = await client.from("analytics_events").insert([...rows])
          .setHeader("Authorization", authorization);
        if (plain.error?.code !== UNIQUE_VIOLATION) {
          check(plain);
          return new Set(rows.map((row) => row.event_id.toLowerCase()));
        }
        // A retry: some ids are stored already. The failed statement stored nothing, so the
        // upsert skips the stored ones and returns the ids it created.
        const result = await client.from("analytics_events")
          .upsert([...rows], { onConflict: "user_id,event_id", ignoreDuplicates: true })
          .select("event_id")
          .setHeader("Authorization", authorization);
        const inserted = check(result);
        return new Set(inserted.map((row) => row.event_id.toLowerCase()));
      },
    };
  };
}

interface QueryResult<Row> {
  data: Row[] | null;
  error: { code?: string; message?: string; details?: string | null } | null;
  status: number;
}

function check<Row>(result: QueryResult<Row>): Row[] {
  const { error, status } = result;
  if (error === null) return Array.isArray(result.data) ? result.data : [];
  // PostgREST 12 reports a pooled connection that Postgres closed mid-query (a restart, a
  // failover) as 400 with an empty code and message (PostgREST issues 3214 and 4681). Every
  // genuine PostgREST or Postgres error has a code, and postgrest-js leaves `code` undefined for
  // a body that is not PostgREST's JSON, so only this exact answer is taken for an outage.
  if (status === 400 && error.code === "" && !error.message) {
    throw new UpstreamUnavailableError("upstream 400 without a code");
  }
  const code = error.code ?? "";
  if (status === 0) {
    // postgrest-js reports a fetch that threw as status 0, its message led by the error's name.
    const timedOut = /^(TimeoutError|AbortError)/.test(error.message ?? "");
    throw new UpstreamUnavailableError(timedOut ? "timeout" : "network");
  }
  if ([502, 503, 504].includes(status) || UNAVAILABLE_CODES.has(code)) {
    throw new UpstreamUnavailableError(`upstream ${status} ${code}`.trim());
  }
  if (UNAVAILABLE_SQLSTATE.test(code)) throw new UpstreamUnavailableError(`sqlstate ${code}`);
  // The database's per-user ingest limit: 429 rate_limited or 413 batch_exceeds_burst.
  throw ingestLimitRefusal(status, error) ?? new StoreRejectedError(status, code);
}

function withTimeout(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    // The timer stays armed after the answer (about 0.4 KB each until it fires), which is cheaper
    // than arming and clearing a timer of our own per query.
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchImpl(input, { ...init, signal });
  };
}
