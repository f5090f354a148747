// A refused batch must cost next to nothing: once a user's budget is spent, their next batch is
// refused before the database writes one of its rows, through the function and through direct
// PostgREST inserts alike.
//
// A probe counts the rows that reach the table: a BEFORE ROW trigger for this test's user only,
// which draws from a sequence. Sequences are not transactional, so rows of a statement that was
// then rolled back stay counted. The probe lives in a schema of its own, dropped at the end.
import assert from "node:assert/strict";
import { type Fixtures, withFixtures } from "../support/fixtures.ts";
import { insertDirectly, postEvents } from "../support/track_event.ts";

const BATCH = 500;

const events = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ event: `e${i}`, event_id: crypto.randomUUID() }));

async function withRowProbe(
  db: Fixtures,
  userId: string,
  fn: (rowsWritten: () => Promise<number>) => Promise<void>,
) {
  const schema = `e2e_probe_${crypto.randomUUID().replaceAll("-", "")}`;
  const sql = db.sql;
  await sql.unsafe(`
    create schema ${schema};
    create sequence ${schema}.rows_seen minvalue 0 start 0;
    create function ${schema}.count_row() returns trigger language plpgsql security definer
    set search_path = '' as $$
    begin
        perform pg_catalog.nextval('${schema}.rows_seen');
        return new;
    end;
    $$;
    create trigger ${schema}_count_row before insert on public.analytics_events
    for each row when (new.user_id = '${userId}') execute function ${schema}.count_row();
  `);
  try {
    await fn(async () => {
      const [row] = await sql.unsafe(
        `select case when is_called then last_value + 1 else 0 end as n from ${schema}.rows_seen`,
      );
      return Number(row.n);
    });
  } finally {
    await sql.unsafe(`drop schema ${schema} cascade`);
  }
}

Deno.test("a spent user's batch of 500 is refused before any of its rows is written, on both paths", () =>
  withFixtures(async (db) => {
    // Refilled at one event per 100 s: within the test, the burst is all there is.
    const user = await db.createUser("spent");
    await db.setIngestLimit(user.id, { eventsPerSecond: 0.01, burst: BATCH });
    await withRowProbe(db, user.id, async (rowsWritten) => {
      const stored = await postEvents(db.env, user.token, { events: events(BATCH) });
      assert.equal(stored.status, 201, JSON.stringify(stored.body));
      assert.equal(await rowsWritten(), BATCH, "the probe sees the stored batch's rows");

      const throughFunction = await postEvents(db.env, user.token, { events: events(BATCH) });
      assert.equal(throughFunction.status, 429, JSON.stringify(throughFunction.body));
      assert.equal(await rowsWritten(), BATCH, "the function's refused batch wrote no row");

      const direct = await insertDirectly(db.env, user.token, events(BATCH));
      assert.equal(direct.status, 429, await direct.text());
      assert.equal(await rowsWritten(), BATCH, "the direct refused batch wrote no row");
    });
    assert.equal((await db.eventsOf(user.id)).length, BATCH);
  }));
