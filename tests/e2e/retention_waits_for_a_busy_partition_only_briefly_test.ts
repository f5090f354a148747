// Dropping a week also locks that week and the default partition, and autovacuum (or an operator)
// can hold either without touching the events table. Retention holds the events table's lock by
// then, so every insert queues behind it: it gives those partitions 50 ms, not its whole
// lock_timeout, and inserts wait about that long. Everything retention does here is rolled back.
import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";

for (const busy of ["the expired week", "the default partition"]) {
  Deno.test(`retention gives up on ${busy} within 50 ms while it holds the events table`, () =>
    withFixtures(async (db) => {
      const alice = await db.createUser("alice");
      const holder = await db.sql.reserve();
      const maintenance = await db.sql.reserve();
      try {
        // The oldest week expires first: retention tries it first.
        const [{ oldest }] = await db.sql`
          select min(c.relname) as oldest
          from pg_inherits as i
          join pg_class as c
              on c.oid = i.inhrelid
          where i.inhparent = 'public.analytics_events'::regclass
              and c.relname ~ '^events_w[0-9]{8}$'`;
        const held = busy === "the expired week" ? oldest as string : "events_default";
        // As autovacuum holds a table it vacuums: SHARE UPDATE EXCLUSIVE, on that partition only.
        await holder`begin`;
        await holder.unsafe(
          `lock table analytics_partitions.${held} in share update exclusive mode`,
        );

        await maintenance`begin`;
        const [{ pid }] = await maintenance`select pg_backend_pid() as pid`;
        const started = performance.now();
        // Sent now (postgres.js sends a query when it is awaited or executed), not awaited yet.
        const retention = maintenance`
          select * from private.drop_expired_event_partitions(now() + interval '13 months 8 days', 1) as action`
          .execute();

        // Retention waits for the busy partition while it holds the events table: inserts queue.
        let sawItWait = false;
        for (let tries = 0; tries < 500 && !sawItWait; tries++) {
          const [{ waiting }] = await db.sql`
            select
                exists (
                    select 1 from pg_locks
                    where pid = ${pid} and granted and mode = 'AccessExclusiveLock'
                        and relation = 'public.analytics_events'::regclass
                )
                and exists (select 1 from pg_locks where pid = ${pid} and not granted) as waiting`;
          sawItWait = waiting;
        }
        const insertStarted = performance.now();
        await db.sql.begin(async (writer) => {
          await writer`set local statement_timeout = '3s'`;
          await writer`insert into public.analytics_events (user_id, event) values (${alice.id}, 'during_retention')`;
        });
        const insertMs = performance.now() - insertStarted;

        const actions = (await retention).map((row) => row.action as string);
        const retentionMs = performance.now() - started;
        assert.ok(sawItWait, "retention waited for the partition while holding the events table");
        assert.deepEqual(actions, [
          `skipped ${oldest}: its lock was busy for longer than lock_timeout`,
        ]);
        // Before, it waited its whole lock_timeout (500 ms) here, holding the events table.
        assert.ok(
          retentionMs < 300,
          `retention held the events table for ${retentionMs.toFixed(0)} ms`,
        );
        assert.ok(
          insertMs < 300,
          `the insert waited ${insertMs.toFixed(0)} ms, not a lock_timeout`,
        );
      } finally {
        await holder`rollback`.catch(() => {});
        await maintenance`rollback`.catch(() => {});
        maintenance.release();
        holder.release();
      }
      const [stored] = await db.sql`
        select count(*)::int as n from public.analytics_events where user_id = ${alice.id}`;
      assert.equal(stored.n, 1, "the insert made during retention is stored");
    }));
}
