// Retention drops a week partition, which needs ACCESS EXCLUSIVE on the events table: while it
// waits for that lock, every insert queues behind it. Its lock_timeout bounds that wait, so a
// long reader can delay retention but never stall ingestion for more than about half a second.
// Everything retention does here is rolled back.
import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";

Deno.test("retention behind a long reader gives up within its lock_timeout, and inserts wait at most that long", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const reader = await db.sql.reserve();
    const maintenance = await db.sql.reserve();
    try {
      // A dashboard query still running: it holds ACCESS SHARE on the table until it ends.
      await reader`begin`;
      await reader`select count(*) from public.analytics_events where user_id = ${alice.id}`;

      // Retention as if 13 months and a week had passed: this week's partition has expired.
      await maintenance`begin`;
      const [{ pid }] = await maintenance`select pg_backend_pid() as pid`;
      const started = performance.now();
      // Sent now (postgres.js sends a query when it is awaited or executed), not awaited yet.
      const retention = maintenance`
        select * from private.drop_expired_event_partitions(now() + interval '13 months 8 days') as action`
        .execute();

      // Only once retention waits for its lock does an insert queue behind it.
      for (let tries = 0; tries < 100; tries++) {
        const [{ waiting }] = await db.sql`
          select exists (select 1 from pg_locks where pid = ${pid} and not granted) as waiting`;
        if (waiting) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const insertStarted = performance.now();
      await db.sql.begin(async (writer) => {
        await writer`set local statement_timeout = '3s'`;
        await writer`insert into public.analytics_events (user_id, event) values (${alice.id}, 'during_retention')`;
      });
      const insertMs = performance.now() - insertStarted;

      const actions = (await retention).map((row) => row.action as string);
      const retentionMs = performance.now() - started;
      assert.ok(
        actions.some((action) => action.startsWith("skipped events_w")),
        `retention skipped the busy week: ${JSON.stringify(actions)}`,
      );
      assert.ok(
        !actions.some((action) => action.startsWith("dropped")),
        "nothing was dropped under the reader",
      );
      assert.ok(insertMs < 1000, `the insert waited ${insertMs.toFixed(0)} ms, under a second`);
      assert.ok(insertMs > 50, `the insert did queue behind retention (${insertMs.toFixed(0)} ms)`);
      assert.ok(
        retentionMs < 5000,
        `retention gave up within its lock_timeout (${retentionMs.toFixed(0)} ms)`,
      );
    } finally {
      // The reader first: a retention still waiting for its lock can then finish, and roll back.
      await reader`rollback`.catch(() => {});
      await maintenance`rollback`.catch(() => {});
      maintenance.release();
      reader.release();
    }
    const [stored] = await db.sql`
      select count(*)::int as n from public.analytics_events where user_id = ${alice.id}`;
    assert.equal(stored.n, 1, "the insert made during retention is stored");
  }));
