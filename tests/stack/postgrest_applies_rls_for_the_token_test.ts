import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";

Deno.test("through PostgREST, auth.uid() is the user token's sub", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const response = await fetch(`${db.env.apiUrl}/rest/v1/analytics_events?select=user_id,event`, {
      method: "POST",
      headers: {
        apikey: db.env.anonKey,
        authorization: `Bearer ${alice.token}`,
        "content-type": "application/json",
        prefer: "return=representation",
      },
      body: JSON.stringify({ event: "stack_probe" }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    assert.deepEqual(await response.json(), [{ user_id: alice.id, event: "stack_probe" }]);
  }));

Deno.test("anon is refused reading and writing events and jobs", () =>
  withFixtures(async (db) => {
    const headers = { apikey: db.env.anonKey, "content-type": "application/json" };
    for (const table of ["analytics_events", "jobs"]) {
      const read = await fetch(`${db.env.apiUrl}/rest/v1/${table}?select=*`, { headers });
      assert.equal(read.status, 401, `anon cannot read ${table}`);
      assert.equal((await read.json()).code, "42501");
    }
    const write = await fetch(`${db.env.apiUrl}/rest/v1/analytics_events`, {
      method: "POST",
      headers,
      body: JSON.stringify({ event: "anon_probe" }),
    });
    assert.equal(write.status, 401, "anon cannot insert events");
    assert.equal((await write.json()).code, "42501");
  }));

Deno.test("a user reads only their own events through PostgREST", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    await db
      .sql`insert into public.analytics_events (user_id, event) values (${bob.id}, 'bob_only')`;
    const response = await fetch(
      `${db.env.apiUrl}/rest/v1/analytics_events?select=user_id&user_id=eq.${bob.id}`,
      { headers: { apikey: db.env.anonKey, authorization: `Bearer ${alice.token}` } },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), [], "bob's row is invisible to alice");
  }));
