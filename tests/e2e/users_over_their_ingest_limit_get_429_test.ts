// A user over their ingest limit gets 429 with Retry-After on every path (the function and direct
// PostgREST inserts), and the same events succeed once they have waited that long.
//
// Each test user gets a small limit of their own: a burst of 2, refilled at one event every four
// seconds. The refusal needs only that the next request starts within four seconds of the burst;
// the retry waits the whole Retry-After, so no step depends on how fast the machine is.
import assert from "node:assert/strict";
import { type Fixtures, withFixtures } from "../support/fixtures.ts";
import { insertDirectly, postEvents } from "../support/track_event.ts";

const LIMIT = { eventsPerSecond: 0.25, burst: 2 };
const POLICY = '"events";q=2;w=8';

const event = (name: string) => ({ event: name, event_id: crypto.randomUUID() });

async function userAtTheLimit(db: Fixtures) {
  const user = await db.createUser("limited");
  await db.setIngestLimit(user.id, LIMIT);
  return user;
}

function retryAfterSeconds(headers: Headers): number {
  const seconds = Number(headers.get("retry-after"));
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 4, `Retry-After ${seconds}`);
  return seconds;
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

Deno.test("through the function: 429 rate_limited, then the retry after Retry-After is stored", () =>
  withFixtures(async (db) => {
    const user = await userAtTheLimit(db);
    const burst = await postEvents(db.env, user.token, { events: [event("a"), event("b")] });
    assert.equal(burst.status, 201);

    const late = event("c");
    const refused = await postEvents(db.env, user.token, late);
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    const seconds = retryAfterSeconds(refused.headers);
    const error = refused.body.error as Record<string, unknown>;
    assert.equal(error.code, "rate_limited");
    assert.ok(typeof error.retry_after_ms === "number" && error.retry_after_ms <= seconds * 1000);
    assert.ok((error.retry_after_ms as number) > (seconds - 1) * 1000);
    assert.equal(refused.headers.get("ratelimit-policy"), POLICY);
    assert.equal(refused.headers.get("ratelimit"), `"events";r=0;t=${seconds}`);
    assert.equal((await db.eventsOf(user.id)).length, 2, "the refused event is not stored");

    await sleep(seconds);
    const retried = await postEvents(db.env, user.token, late);
    assert.equal(retried.status, 201, JSON.stringify(retried.body));
    assert.deepEqual(retried.body.events, [{ event_id: late.event_id, status: "created" }]);
    assert.equal((await db.eventsOf(user.id)).length, 3);
  }));

Deno.test("through direct PostgREST: 429 with Retry-After, then the retry is stored", () =>
  withFixtures(async (db) => {
    const user = await userAtTheLimit(db);
    const burst = await insertDirectly(db.env, user.token, [event("a"), event("b")]);
    assert.equal(burst.status, 201, await burst.text());

    const late = event("c");
    const refused = await insertDirectly(db.env, user.token, late);
    const body = await refused.json();
    assert.equal(refused.status, 429, JSON.stringify(body));
    const seconds = retryAfterSeconds(refused.headers);
    assert.equal(body.code, "rate_limited");
    assert.equal(JSON.parse(body.details).burst, 2);
    assert.equal(refused.headers.get("ratelimit-policy"), POLICY);
    assert.equal(refused.headers.get("ratelimit"), `"events";r=0;t=${seconds}`);
    assert.equal((await db.eventsOf(user.id)).length, 2, "the refused event is not stored");

    await sleep(seconds);
    const retried = await insertDirectly(db.env, user.token, late);
    assert.equal(retried.status, 201, await retried.text());
    assert.equal((await db.eventsOf(user.id)).length, 3);
  }));

Deno.test("one user's refusals leave another user's inserts alone", () =>
  withFixtures(async (db) => {
    const [limited, other] = [await userAtTheLimit(db), await userAtTheLimit(db)];
    assert.equal(
      (await postEvents(db.env, limited.token, { events: [event("a"), event("b")] })).status,
      201,
    );
    assert.equal((await postEvents(db.env, limited.token, event("c"))).status, 429);
    const response = await postEvents(db.env, other.token, { events: [event("x"), event("y")] });
    assert.equal(response.status, 201);
  }));

Deno.test("concurrent requests of one user never get more than the burst through", () =>
  withFixtures(async (db) => {
    // Refilled at one event per 100 s: within the test, the burst of 5 is all there is.
    const user = await db.createUser("concurrent");
    await db.setIngestLimit(user.id, { eventsPerSecond: 0.01, burst: 5 });
    const responses = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          i % 2
            ? postEvents(db.env, user.token, event(`f${i}`)).then((r) => r.status)
            : insertDirectly(db.env, user.token, event(`d${i}`)).then(async (r) => {
              await r.body?.cancel();
              return r.status;
            }),
      ),
    );
    assert.deepEqual(
      responses.filter((s) => s !== 201 && s !== 429),
      [],
      "every answer is a 201 or a 429",
    );
    assert.equal(responses.filter((s) => s === 201).length, 5);
    assert.equal((await db.eventsOf(user.id)).length, 5);
  }));

Deno.test("a retry of stored events is a 200 and not charged; a spent user's retry waits", () =>
  withFixtures(async (db) => {
    // Duplicates are not charged: only rows the database actually stores count.
    const user = await db.createUser("retrying");
    await db.setIngestLimit(user.id, { eventsPerSecond: 0.01, burst: 3 });
    const batch = { events: [event("a"), event("b")] };
    assert.equal((await postEvents(db.env, user.token, batch)).status, 201);
    const retry = await postEvents(db.env, user.token, batch);
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.duplicates, 2);
    const withNew = await postEvents(db.env, user.token, { events: [...batch.events, event("c")] });
    assert.equal(withNew.status, 201, "the duplicates were free, so the one new event fits");
    assert.equal(withNew.body.accepted, 1);
    // The burst is spent now: a statement is refused before its rows are seen, so even a retry
    // of stored events waits for the Retry-After, and is still not charged then.
    const spent = await postEvents(db.env, user.token, batch);
    assert.equal(spent.status, 429, JSON.stringify(spent.body));
    assert.equal((await db.eventsOf(user.id)).length, 3);
  }));
