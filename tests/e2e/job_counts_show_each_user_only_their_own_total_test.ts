import assert from "node:assert/strict";
import { type TestUser, withFixtures } from "../support/fixtures.ts";
import type { StackEnv } from "../support/stack_env.ts";

/** A PostgREST request as the holder of `user`'s token (or the anon key alone), as supabase-js sends it. */
async function rest(
  env: StackEnv,
  user: TestUser | null,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${env.apiUrl}/rest/v1/${path}`, {
    method,
    headers: {
      apikey: env.anonKey,
      authorization: `Bearer ${user ? user.token : env.anonKey}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

Deno.test("each user reads their own job total through PostgREST, kept as they add and delete jobs", () =>
  withFixtures(async (db) => {
    const [alice, bob] = [await db.createUser("alice"), await db.createUser("bob")];
    const created = await rest(db.env, alice, "POST", "jobs", [
      { user_id: alice.id, name: "a" },
      { user_id: alice.id, name: "b" },
      { user_id: alice.id, name: "c" },
    ]);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await rest(db.env, bob, "POST", "jobs", { user_id: bob.id })).status, 201);
    const deleted = await rest(db.env, alice, "DELETE", "jobs?name=eq.b");
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));

    assert.deepEqual(await rest(db.env, alice, "GET", "job_counts?select=user_id,jobs"), {
      status: 200,
      body: [{ user_id: alice.id, jobs: 2 }],
    });
    assert.deepEqual(await rest(db.env, bob, "GET", "job_counts?select=user_id,jobs"), {
      status: 200,
      body: [{ user_id: bob.id, jobs: 1 }],
    });
    // Asking for alice's row by id gives bob nothing either.
    assert.deepEqual(await rest(db.env, bob, "GET", `job_counts?user_id=eq.${alice.id}`), {
      status: 200,
      body: [],
    });
  }));

Deno.test("nobody writes a job total, and anon reads none", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    await db.createJob(alice.id);
    const patched = await rest(db.env, alice, "PATCH", "job_counts", { jobs: 1000 });
    assert.equal(patched.status, 403, JSON.stringify(patched.body));
    assert.equal((patched.body as { code: string }).code, "42501");
    const anon = await rest(db.env, null, "GET", "job_counts");
    assert.equal(anon.status, 401, JSON.stringify(anon.body));
    const [row] = await db.sql`select jobs from rollups.job_counts where user_id = ${alice.id}`;
    assert.equal(Number(row.jobs), 1, "the total is still the one job");
  }));
