// The race of the contract: a job deleted, or given to another user, after the function has seen
// it as the caller's. The function's ownership cache makes the race deterministic here: a second
// event for the same job skips the pre-check, so only the database policy can refuse it.
import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { postEvents } from "../support/track_event.ts";

Deno.test("an event for a job deleted since the last check is a 403, not a 500", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const job = await db.createJob(alice.id);
    const first = await postEvents(db.env, alice.token, { event: "stage_started", job_id: job });
    assert.equal(first.status, 201);
    await db.sql`delete from public.jobs where id = ${job}`;
    const late = { event: "stage_completed", job_id: job, event_id: crypto.randomUUID() };
    const second = await postEvents(db.env, alice.token, late);
    assert.equal(second.status, 403, JSON.stringify(second.body));
    const error = second.body.error as Record<string, unknown>;
    assert.equal(error.code, "job_not_owned");
    assert.deepEqual(error.job_ids, [job]);
    const stored = await db.sql`
      select count(*)::int as n from public.analytics_events where event_id = ${late.event_id}`;
    assert.equal(stored[0].n, 0);
  }));

Deno.test("an event for a job given to another user since the last check is a 403", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const job = await db.createJob(alice.id);
    assert.equal((await postEvents(db.env, alice.token, { event: "x", job_id: job })).status, 201);
    // A job with events cannot change owner (the composite foreign key), so they go first.
    await db.sql`delete from public.analytics_events where job_id = ${job}`;
    await db.sql`update public.jobs set user_id = ${bob.id} where id = ${job}`;
    const second = await postEvents(db.env, alice.token, { event: "y", job_id: job });
    assert.equal(second.status, 403, JSON.stringify(second.body));
    assert.equal((second.body.error as Record<string, unknown>).code, "job_not_owned");
    assert.equal((await db.eventsOf(alice.id)).length, 0);
    assert.equal(
      (await db.sql`select count(*)::int as n from public.analytics_events where job_id = ${job}`)[
        0
      ]
        .n,
      0,
      "nothing ties alice to bob's job",
    );
  }));

Deno.test("in a batch, only the lost job is named, so clients keep the events of live jobs", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const [kept, lost] = [await db.createJob(alice.id), await db.createJob(alice.id)];
    const batch = () => ({
      events: [
        { event: "a", job_id: kept, event_id: crypto.randomUUID() },
        { event: "b", job_id: lost, event_id: crypto.randomUUID() },
      ],
    });
    assert.equal((await postEvents(db.env, alice.token, batch())).status, 201);
    await db.sql`delete from public.jobs where id = ${lost}`;
    const second = await postEvents(db.env, alice.token, batch());
    assert.equal(second.status, 403, JSON.stringify(second.body));
    assert.deepEqual((second.body.error as Record<string, unknown>).job_ids, [lost]);
  }));

Deno.test("a deleted user whose job the function still has cached gets a 401, not a 403", () =>
  withFixtures(async (db) => {
    const ghost = await db.createUser("ghost");
    const job = await db.createJob(ghost.id);
    assert.equal((await postEvents(db.env, ghost.token, { event: "a", job_id: job })).status, 201);
    await db.sql`delete from auth.users where id = ${ghost.id}`;
    const late = await postEvents(db.env, ghost.token, { event: "b", job_id: job });
    assert.equal(late.status, 401, JSON.stringify(late.body));
    assert.equal((late.body.error as Record<string, unknown>).code, "invalid_token");
  }));
