/**
 * What the handler needs from data access, apart from the client that implements it (store.ts),
 * so the HTTP shell loads without supabase-js.
 *
 * @module
 */
import type { EventRow } from "./rows.ts";

/** The two operations the function needs, for one caller. */
export interface EventStore {
  /** Which of these job ids the caller can see: one query, whatever the count. */
  visibleJobIds(jobIds: readonly string[]): Promise<Set<string>>;
  /** Inserts the rows, skipping `(user_id, event_id)` already stored; returns the new ids. */
  insertEvents(rows: readonly EventRow[]): Promise<Set<string>>;
}

/** Gives the store that acts as the holder of `accessToken`. */
export type StoreFactory = (accessToken: string) => EventStore;

/** PostgREST refused the query for a reason that is not an outage (RLS, a constraint, ...). */
export class StoreRejectedError extends Error {
  constructor(readonly status: number, readonly sqlState: string) {
    super(`PostgREST answered ${status} (${sqlState || "no code"})`);
    this.name = "StoreRejectedError";
  }
}
