import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { insertDirectly, postEvents } from "../support/track_event.ts";

Deno.test("the function refuses another user's job with 403 and stores nothing", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const bobsJob = await db.createJob(bob.id);
    const response = await postEvents(db.env, alice.token, {
      event: "stage_started",
      job_id: bobsJob,
    });
    assert.equal(response.status, 403);
    const error = response.body.error as Record<string, unknown>;
    assert.equal(error.code, "job_not_owned");
    assert.deepEqual(error.job_ids, [bobsJob]);
    assert.equal((await db.eventsOf(alice.id)).length, 0);
    assert.equal(
      (await db
        .sql`select count(*)::int as n from public.analytics_events where job_id = ${bobsJob}`)[0]
        .n,
      0,
    );
  }));

Deno.test("a job that does not exist is refused exactly like another user's job", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const bobsJob = await db.createJob(bob.id);
    const missing = crypto.randomUUID();
    const foreign = await postEvents(db.env, alice.token, { event: "x", job_id: bobsJob });
    const absent = await postEvents(db.env, alice.token, { event: "x", job_id: missing });
    assert.equal(foreign.status, absent.status);
    const strip = (body: Record<string, unknown>) => {
      const { job_ids: _ids, ...rest } = body.error as Record<string, unknown>;
      return rest;
    };
    assert.deepEqual(strip(foreign.body), strip(absent.body), "no oracle tells the two apart");
  }));

Deno.test("a mixed batch with one foreign job stores none of its events", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const [ownJob, bobsJob] = [await db.createJob(alice.id), await db.createJob(bob.id)];
    const response = await postEvents(db.env, alice.token, {
      events: [
        { event: "stage_started", job_id: ownJob },
        { event: "app_opened" },
        { event: "stage_started", job_id: bobsJob },
      ],
    });
    assert.equal(response.status, 403);
    assert.deepEqual((response.body.error as Record<string, unknown>).job_ids, [bobsJob]);
    assert.equal((await db.eventsOf(alice.id)).length, 0, "the batch is all-or-nothing");
  }));

Deno.test("a direct PostgREST insert with another user's job is refused by the policy", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const bobsJob = await db.createJob(bob.id);
    const response = await insertDirectly(db.env, alice.token, {
      event: "stage_started",
      job_id: bobsJob,
    });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).code, "42501");
    assert.equal((await db.eventsOf(alice.id)).length, 0);
  }));

Deno.test("a direct PostgREST insert cannot spoof another user's id", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const response = await insertDirectly(db.env, alice.token, { event: "spoof", user_id: bob.id });
    assert.equal(response.status, 403);
    await response.body?.cancel();
    assert.equal((await db.eventsOf(bob.id)).length, 0);
  }));

Deno.test("the function refuses user_id in the body: the user comes from the token", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const response = await postEvents(db.env, alice.token, { event: "spoof", user_id: bob.id });
    assert.equal(response.status, 400);
    assert.match(JSON.stringify(response.body), /user_id/);
    assert.equal((await db.eventsOf(bob.id)).length + (await db.eventsOf(alice.id)).length, 0);
  }));

Deno.test("a repeated event_id cannot smuggle another user's job into a batch", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const bobsJob = await db.createJob(bob.id);
    const eventId = crypto.randomUUID();
    const response = await postEvents(db.env, alice.token, {
      events: [{ event: "a", event_id: eventId }, {
        event: "b",
        event_id: eventId,
        job_id: bobsJob,
      }],
    });
    assert.equal(response.status, 403);
    assert.deepEqual((response.body.error as Record<string, unknown>).job_ids, [bobsJob]);
    assert.equal((await db.eventsOf(alice.id)).length, 0);
  }));
