// A batch with more events than the user's burst can never fit, so it gets a 413
// batch_exceeds_burst naming the burst, never a Retry-After, through the function and through
// direct PostgREST inserts alike; the SDK answers a 413 by splitting the batch.
import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { insertDirectly, postEvents } from "../support/track_event.ts";

const events = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ event: `e${i}`, event_id: crypto.randomUUID() }));

Deno.test("through the function: 413 batch_exceeds_burst with the burst, and nothing stored", () =>
  withFixtures(async (db) => {
    const user = await db.createUser("small_burst");
    await db.setIngestLimit(user.id, { eventsPerSecond: 100, burst: 3 });
    const response = await postEvents(db.env, user.token, { events: events(4) });
    assert.equal(response.status, 413, JSON.stringify(response.body));
    const error = response.body.error as Record<string, unknown>;
    assert.equal(error.code, "batch_exceeds_burst");
    assert.equal(error.burst, 3);
    assert.equal(response.headers.get("retry-after"), null);
    assert.equal(response.headers.get("ratelimit-policy"), '"events";q=3;w=1');
    assert.equal((await db.eventsOf(user.id)).length, 0);

    const split = await postEvents(db.env, user.token, { events: events(3) });
    assert.equal(split.status, 201, "a batch of the burst's size fits");
  }));

Deno.test("through direct PostgREST: 413 batch_exceeds_burst, and nothing stored", () =>
  withFixtures(async (db) => {
    const user = await db.createUser("small_burst");
    await db.setIngestLimit(user.id, { eventsPerSecond: 100, burst: 3 });
    const response = await insertDirectly(db.env, user.token, events(4));
    const body = await response.json();
    assert.equal(response.status, 413, JSON.stringify(body));
    assert.equal(body.code, "batch_exceeds_burst");
    assert.equal(JSON.parse(body.details).burst, 3);
    assert.equal(response.headers.get("retry-after"), null);
    assert.equal((await db.eventsOf(user.id)).length, 0);
  }));
