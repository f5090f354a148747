import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { postEvents } from "../support/track_event.ts";

Deno.test("a retried event is stored once and reported as a duplicate with 200", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const event = { event: "purchase", event_id: crypto.randomUUID(), properties: { cents: 499 } };
    const first = await postEvents(db.env, alice.token, event);
    const retry = await postEvents(db.env, alice.token, event);
    assert.equal(first.status, 201);
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, {
      accepted: 0,
      duplicates: 1,
      events: [{ event_id: event.event_id, status: "duplicate" }],
    });
    assert.equal((await db.eventsOf(alice.id)).length, 1);
  }));

Deno.test("concurrent duplicates of one event give exactly one row and one 'created'", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const event = { event: "purchase", event_id: crypto.randomUUID() };
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => postEvents(db.env, alice.token, event)),
    );
    assert.deepEqual(responses.map((r) => r.status).sort(), [
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      201,
    ]);
    assert.equal((await db.eventsOf(alice.id)).length, 1);
  }));

Deno.test("a retried batch with new events stores only the new ones", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const known = { event: "a", event_id: crypto.randomUUID() };
    await postEvents(db.env, alice.token, known);
    const fresh = { event: "b", event_id: crypto.randomUUID() };
    const response = await postEvents(db.env, alice.token, { events: [known, fresh] });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.events, [
      { event_id: known.event_id, status: "duplicate" },
      { event_id: fresh.event_id, status: "created" },
    ]);
    assert.equal((await db.eventsOf(alice.id)).length, 2);
  }));

Deno.test("two users may use the same event_id without blocking each other", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const event = { event: "shared_id", event_id: crypto.randomUUID() };
    assert.equal((await postEvents(db.env, alice.token, event)).status, 201);
    assert.equal((await postEvents(db.env, bob.token, event)).status, 201);
    assert.equal((await db.eventsOf(alice.id)).length, 1);
    assert.equal((await db.eventsOf(bob.id)).length, 1);
  }));
