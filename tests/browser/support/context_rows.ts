/**
 * Stored events with their user and context, for the analytics layer's browser tests.
 *
 * @module
 */
import type { Fixtures } from "../../support/fixtures.ts";

export interface ContextRow {
  event_id: string;
  user_id: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** Every stored row whose event_id is one of `ids`, whoever it belongs to, in insert order. */
export async function contextRowsFor(db: Fixtures, ids: string[]): Promise<ContextRow[]> {
  const rows = await db.sql<ContextRow[]>`
    select event_id::text, user_id::text, properties, context
    from public.analytics_events
    where event_id = any(${ids}::uuid[])
    order by id`;
  return [...rows];
}
