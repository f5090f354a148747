import assert from "node:assert/strict";
import { type TestUser, withFixtures } from "../support/fixtures.ts";
import type { StackEnv } from "../support/stack_env.ts";

/** A request to PostgREST's jobs endpoint as the holder of `user`'s token, as supabase-js sends it. */
async function jobsRequest(
  env: StackEnv,
  user: TestUser,
  method: "PATCH" | "POST",
  query: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${env.apiUrl}/rest/v1/jobs${query}`, {
    method,
    headers: {
      apikey: env.anonKey,
      authorization: `Bearer ${user.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

Deno.test("changing an own job's id answers the same whether the new id exists or not", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const [alicesJob, bobsJob] = [await db.createJob(alice.id), await db.createJob(bob.id)];
    const own = `?id=eq.${alicesJob}`;
    const taken = await jobsRequest(db.env, alice, "PATCH", own, { id: bobsJob });
    const unused = await jobsRequest(db.env, alice, "PATCH", own, { id: crypto.randomUUID() });
    assert.equal(taken.status, 403, JSON.stringify(taken.body));
    assert.deepEqual(taken, unused, "no oracle tells an existing id from an unused one");
    assert.equal((taken.body as { code: string }).code, "42501");
    const owner = await jobsRequest(db.env, alice, "PATCH", own, { user_id: bob.id });
    assert.equal(owner.status, 403, "the owner cannot change either");
    const [row] = await db.sql`select id, user_id from public.jobs where id = ${alicesJob}`;
    assert.deepEqual({ ...row }, { id: alicesJob, user_id: alice.id });
  }));

Deno.test("users still rename their jobs and create jobs with ids they choose", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const [alicesJob, bobsJob] = [await db.createJob(alice.id), await db.createJob(bob.id)];
    const renamed = await jobsRequest(db.env, alice, "PATCH", `?id=eq.${alicesJob}`, {
      name: "renamed",
      status: "running",
    });
    assert.equal(renamed.status, 204, JSON.stringify(renamed.body));
    const chosen = crypto.randomUUID();
    const created = await jobsRequest(db.env, alice, "POST", "", { id: chosen, user_id: alice.id });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // Job ids are not secrets: a taken id is a conflict, and reveals nothing else about its job.
    const clash = await jobsRequest(db.env, alice, "POST", "", { id: bobsJob, user_id: alice.id });
    assert.equal(clash.status, 409);
    const jobs = await db.sql`
      select id, user_id, name from public.jobs where id in (${alicesJob}, ${chosen}, ${bobsJob})
      order by name, id`;
    assert.deepEqual(
      jobs.map((job) => [job.id, job.user_id, job.name]).sort(),
      [
        [alicesJob, alice.id, "renamed"],
        [bobsJob, bob.id, "untitled"],
        [chosen, alice.id, "untitled"],
      ].sort(),
    );
  }));
