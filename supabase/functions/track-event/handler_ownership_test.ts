// Ownership: one query per request, 403 before anything is stored, and the race path.
import assert from "node:assert/strict";
import { StoreRejectedError } from "./store.ts";
import { createOwnershipCache } from "./ownership_cache.ts";
import { ALICES_JOB, BOBS_JOB, createRig, jsonOf, NOW, post, signToken } from "./test_support.ts";

const job = (n: number) => `cccccccc-0000-4000-8000-${String(n).padStart(12, "0")}`;

Deno.test("500 events referencing 200 jobs cost one ownership query and one insert", async () => {
  const rig = createRig();
  for (let n = 0; n < 200; n++) rig.store.visibleJobs.add(job(n));
  const events = Array.from({ length: 500 }, (_, i) => ({ event: "e", job_id: job(i % 200) }));
  const response = await rig.handle(post({ events }, { token: await signToken() }));
  assert.equal(response.status, 201);
  assert.equal(rig.store.visibleCalls.length, 1);
  assert.equal(rig.store.visibleCalls[0].length, 200, "distinct ids only");
  assert.equal(rig.store.insertCalls.length, 1);
  assert.equal(rig.store.insertCalls[0].length, 500);
});

Deno.test("events without jobs need no ownership query", async () => {
  const rig = createRig();
  await rig.handle(
    post({ events: [{ event: "a" }, { event: "b", job_id: null }] }, { token: await signToken() }),
  );
  assert.equal(rig.store.visibleCalls.length, 0);
  assert.equal(rig.store.insertCalls.length, 1);
});

Deno.test("a job the caller cannot see is a 403 listing missing ids in first-seen order; nothing stored", async () => {
  const rig = createRig();
  const other = job(9);
  const events = [
    { event: "a", job_id: ALICES_JOB },
    { event: "b", job_id: other.toUpperCase() },
    { event: "c", job_id: BOBS_JOB },
    { event: "d", job_id: other },
  ];
  const response = await rig.handle(post({ events }, { token: await signToken() }));
  assert.equal(response.status, 403);
  const body = await jsonOf(response);
  assert.equal(body.error.code, "job_not_owned");
  assert.deepEqual(body.error.job_ids, [other, BOBS_JOB]);
  assert.equal(typeof body.error.message, "string");
  assert.equal(rig.store.insertCalls.length, 0);
});

Deno.test("the caller's own token is what the store acts with", async () => {
  const rig = createRig();
  const token = await signToken();
  await rig.handle(post({ event: "a", job_id: ALICES_JOB }, { token }));
  assert.deepEqual(rig.store.tokens, [token]);
});

for (const [sqlState, status] of [["42501", 403], ["23503", 409]] as const) {
  Deno.test(`a job lost between check and insert (${sqlState}) is a 403 and is evicted from the cache`, async () => {
    const cache = createOwnershipCache({ ttlMs: 60_000, maxEntries: 100, now: () => NOW });
    const rig = createRig({ cache });
    const token = await signToken();
    assert.equal(
      (await rig.handle(post({ event: "a", job_id: ALICES_JOB }, { token }))).status,
      201,
    );
    // The job is lost after the cached check: only the database notices.
    rig.store.visibleJobs.delete(ALICES_JOB);
    rig.store.failInsert = new StoreRejectedError(status, sqlState);
    const response = await rig.handle(post({ event: "b", job_id: ALICES_JOB }, { token }));
    assert.equal(response.status, 403);
    assert.deepEqual((await jsonOf(response)).error.job_ids, [ALICES_JOB]);
    assert.deepEqual(
      rig.store.visibleCalls,
      [[ALICES_JOB], [ALICES_JOB]],
      "checked again, uncached",
    );
    rig.store.failInsert = null;
    assert.equal(
      (await rig.handle(post({ event: "c", job_id: ALICES_JOB }, { token }))).status,
      403,
    );
    assert.equal(rig.store.visibleCalls.length, 3, "after eviction the job was checked again");
  });
}

Deno.test("when one job of a batch is lost after the check, the 403 names only that job", async () => {
  const other = job(7);
  const cache = createOwnershipCache({ ttlMs: 60_000, maxEntries: 100, now: () => NOW });
  const rig = createRig({ cache });
  rig.store.visibleJobs.add(other);
  const token = await signToken();
  const batch = { events: [{ event: "a", job_id: ALICES_JOB }, { event: "b", job_id: other }] };
  assert.equal((await rig.handle(post(batch, { token }))).status, 201);
  rig.store.visibleJobs.delete(other);
  rig.store.failInsert = new StoreRejectedError(403, "42501");
  const response = await rig.handle(post(batch, { token }));
  assert.equal(response.status, 403);
  // Clients drop the events that name the listed jobs: alice's live job must not be among them.
  assert.deepEqual((await jsonOf(response)).error.job_ids, [other]);
});

Deno.test("a refusal the second check cannot explain is a 503 to retry, never a 403", async () => {
  const rig = createRig();
  rig.store.failInsert = new StoreRejectedError(403, "42501");
  const response = await rig.handle(post({ event: "a", job_id: ALICES_JOB }, {
    token: await signToken(),
  }));
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("retry-after"), "1");
  assert.equal((await jsonOf(response)).error.code, "upstream_unavailable");
});

Deno.test("a policy rejection with no job referenced is not an ownership problem: 500", async () => {
  const rig = createRig();
  rig.store.failInsert = new StoreRejectedError(403, "42501");
  const response = await rig.handle(post({ event: "a" }, { token: await signToken() }));
  assert.equal(response.status, 500);
});

Deno.test("the cache skips the query only when every job is cached, and expires", async () => {
  let now = NOW.getTime();
  const clock = () => new Date(now);
  const rig = createRig({
    now: clock,
    cache: createOwnershipCache({ ttlMs: 60_000, maxEntries: 100, now: clock }),
  });
  rig.store.visibleJobs.add(job(1));
  const token = await signToken();
  const send = (jobs: string[]) =>
    rig.handle(post({ events: jobs.map((id) => ({ event: "e", job_id: id })) }, { token }));
  await send([ALICES_JOB]);
  await send([ALICES_JOB]);
  assert.deepEqual(rig.store.visibleCalls, [[ALICES_JOB]]);
  await send([ALICES_JOB, job(1)]);
  assert.deepEqual(rig.store.visibleCalls.at(-1), [job(1)], "only the uncached job is queried");
  now += 61_000;
  await send([ALICES_JOB]);
  assert.equal(rig.store.visibleCalls.length, 3);
});

Deno.test("a refused job is never cached", async () => {
  const rig = createRig({
    cache: createOwnershipCache({ ttlMs: 60_000, maxEntries: 100, now: () => NOW }),
  });
  const token = await signToken();
  for (let i = 0; i < 2; i++) {
    assert.equal((await rig.handle(post({ event: "e", job_id: BOBS_JOB }, { token }))).status, 403);
  }
  assert.equal(rig.store.visibleCalls.length, 2);
});

Deno.test("a repeated event_id naming another user's job is a 403, not a duplicate", async () => {
  const rig = createRig();
  const eventId = "dddddddd-0000-4000-8000-000000000001";
  const response = await rig.handle(post({
    events: [{ event: "a", event_id: eventId }, {
      event: "b",
      event_id: eventId,
      job_id: BOBS_JOB,
    }],
  }, { token: await signToken() }));
  assert.equal(response.status, 403);
  assert.deepEqual((await jsonOf(response)).error.job_ids, [BOBS_JOB]);
  assert.equal(rig.store.insertCalls.length, 0, "nothing is stored");
});

Deno.test("a user_id foreign-key rejection with no job named means the user is gone: 401", async () => {
  const rig = createRig();
  rig.store.failInsert = new StoreRejectedError(409, "23503");
  const response = await rig.handle(post({ event: "a" }, { token: await signToken() }));
  assert.equal(response.status, 401);
  const body = await jsonOf(response);
  assert.equal(body.error.code, "invalid_token");
  assert.match(body.error.message, /no longer exists/);
});

Deno.test("a deleted user naming a job is a 401 from the pre-check's PT401, not a 403", async () => {
  const rig = createRig();
  rig.store.failVisible = new StoreRejectedError(401, "PT401");
  const response = await rig.handle(post({ event: "a", job_id: ALICES_JOB }, {
    token: await signToken(),
  }));
  assert.equal(response.status, 401);
  const body = await jsonOf(response);
  assert.equal(body.error.code, "invalid_token");
  assert.match(body.error.message, /no longer exists/);
  assert.equal(rig.store.insertCalls.length, 0, "nothing is stored");
});
