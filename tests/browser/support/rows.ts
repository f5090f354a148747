/**
 * The database side of the browser tests: where events landed, polled until a condition holds or
 * a generous deadline passes (never a fixed sleep).
 *
 * @example
 * ```ts
 * const rows = await waitForRows(db, ids); // every id stored, or a timeout naming the shortfall
 * ```
 */
import assert from "node:assert/strict";
import type { Fixtures } from "../../support/fixtures.ts";
import { waitUntil } from "./wait.ts";

export interface StoredEvent {
  event_id: string;
  user_id: string;
  job_id: string | null;
}

/** Every stored row whose event_id is one of `ids`, whoever it belongs to. */
export async function rowsFor(db: Fixtures, ids: string[]): Promise<StoredEvent[]> {
  const rows = await db.sql<StoredEvent[]>`
    select event_id::text, user_id::text, job_id::text
    from public.analytics_events
    where event_id = any(${ids}::uuid[])`;
  return [...rows];
}

/** The number of rows stored for a user. */
export async function countFor(db: Fixtures, userId: string): Promise<number> {
  const [row] = await db.sql`
    select count(*)::int as n from public.analytics_events where user_id = ${userId}`;
  return row.n;
}

/** Waits until at least one row exists for each of `ids`, then returns all their rows. */
export function waitForRows(db: Fixtures, ids: string[], timeoutMs?: number) {
  let last = 0;
  return waitUntil(() => `${ids.length} events in the database (${last} stored)`, async () => {
    const rows = await rowsFor(db, ids);
    last = new Set(rows.map((row) => row.event_id)).size;
    return last >= ids.length ? rows : undefined;
  }, timeoutMs);
}

/** Each of `ids` is stored exactly once, as `userId`'s, and nothing else is among the rows. */
export function assertStoredOnce(rows: StoredEvent[], ids: string[], userId: string): void {
  assert.equal(rows.length, ids.length, "one row per tracked event, none doubled");
  assert.deepEqual(new Set(rows.map((row) => row.event_id)), new Set(ids));
  const strangers = rows.filter((row) => row.user_id !== userId);
  assert.deepEqual(strangers, [], "every row belongs to the user who tracked it");
}
