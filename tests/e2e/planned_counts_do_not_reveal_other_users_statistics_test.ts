// PostgREST answers `Prefer: count=planned` (and `count=estimated`) with the planner's estimate,
// taken from statistics over every user's rows. Another user's 3,000 events of one name must not
// show through to a user who has one: such counts are refused with 400 on every relation, in
// every spelling, and an exact count still counts only the caller's rows.
import assert from "node:assert/strict";
import { type Fixtures, withFixtures } from "../support/fixtures.ts";
import { RawClient } from "../support/raw_http.ts";
import type { StackEnv } from "../support/stack_env.ts";

const SECRET_EVENT = `secret_${crypto.randomUUID().slice(0, 8)}`;

/** Another user with 3,000 events named SECRET_EVENT, analysed so the planner knows them. */
async function seedAnotherUsersEvents(db: Fixtures): Promise<void> {
  const other = await db.createUser("heavy");
  await db.sql`
    insert into public.analytics_events (user_id, event)
    select ${other.id}, ${SECRET_EVENT} from generate_series(1, 3000)`;
  await db.sql`analyze public.analytics_events`;
}

function get(env: StackEnv, token: string, path: string, prefer: string, method = "GET") {
  return fetch(`${env.apiUrl}/rest/v1/${path}`, {
    method,
    headers: { apikey: env.anonKey, authorization: `Bearer ${token}`, prefer },
  });
}

Deno.test("count=planned and count=estimated are refused, and reveal nothing", () =>
  withFixtures(async (db) => {
    await seedAnotherUsersEvents(db);
    const user = await db.createUser("light");
    await db
      .sql`insert into public.analytics_events (user_id, event) values (${user.id}, ${SECRET_EVENT})`;
    const path = `analytics_events?select=event&event=eq.${SECRET_EVENT}`;

    for (const prefer of ["count=planned", "count=estimated", "return=minimal, count=planned"]) {
      const response = await get(db.env, user.token, path, prefer);
      const body = await response.json();
      assert.equal(response.status, 400, `${prefer}: ${JSON.stringify(body)}`);
      assert.equal(body.code, "count_not_allowed");
      assert.equal(response.headers.get("content-range"), null, "no estimate in any header");
    }
    const head = await get(db.env, user.token, path, "count=planned", "HEAD");
    await head.body?.cancel();
    assert.equal(head.status, 400, "a HEAD request is refused alike");
    assert.equal(head.headers.get("content-range"), null);

    const exact = await get(db.env, user.token, path, "count=exact");
    assert.equal(exact.status, 200);
    assert.deepEqual(await exact.json(), [{ event: SECRET_EVENT }]);
    assert.equal(exact.headers.get("content-range"), "0-0/1", "an exact count is the caller's own");
  }));

Deno.test("the other relations refuse planned counts too: jobs and the latency views", () =>
  withFixtures(async (db) => {
    const user = await db.createUser("light");
    for (
      const path of [
        "jobs?select=id",
        "job_stage_latency?select=job_id",
        "stage_latency_summary?select=stage",
      ]
    ) {
      const response = await get(db.env, user.token, path, "count=planned");
      const body = await response.json();
      assert.equal(response.status, 400, `${path}: ${JSON.stringify(body)}`);
      assert.equal(body.code, "count_not_allowed");
    }
  }));

Deno.test("a planned count sent as a second Prefer header through the gateway is refused", () =>
  withFixtures(async (db) => {
    // PostgREST keeps only the last value of a repeated header in request.headers; the gateway,
    // as an HTTP server, hands it one header of joined values, which the check sees whole.
    const user = await db.createUser("light");
    const client = await RawClient.open(Number(new URL(db.env.apiUrl).port));
    try {
      await client.send(
        "GET /rest/v1/analytics_events?select=event HTTP/1.1\r\nHost: localhost\r\n" +
          `apikey: ${db.env.anonKey}\r\nAuthorization: Bearer ${user.token}\r\n` +
          "Prefer: count=planned\r\nPrefer: return=minimal\r\nConnection: close\r\n\r\n",
      );
      const response = await client.waitForResponse(10_000);
      assert.equal(response.status, 400, response.body);
      assert.equal(response.headers.get("content-range"), null);
    } finally {
      client.close();
    }
  }));
