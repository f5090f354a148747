// A user the database refused with 429 is refused again by this isolate until the Retry-After,
// before the body is read and without asking PostgREST; then the database decides again.
import assert from "node:assert/strict";
import { handlerOverFakePostgrest } from "./fake_postgrest_rig.ts";
import { createRefusalMemory } from "./refusal_memory.ts";
import { jsonOf, NOW, post, signToken } from "./test_support.ts";

const RATE_LIMITED = {
  code: "rate_limited",
  details: '{"burst": 3, "available": 0, "retry_after_ms": 1975, "events_per_second": 0.5}',
  hint: "Retry after 2 s",
  message: "Too many events: this user is over the ingest limit; nothing was stored",
};

function rig() {
  let clockMs = NOW.getTime();
  const inserts: URL[] = [];
  let answer = () => Response.json(RATE_LIMITED, { status: 429 });
  const fetchImpl: typeof fetch = (input) => {
    inserts.push(new URL(String(input)));
    return Promise.resolve(answer());
  };
  const refusalMemory = createRefusalMemory({ maxEntries: 100, now: () => new Date(clockMs) });
  const { handle } = handlerOverFakePostgrest(fetchImpl, 1000, { refusalMemory });
  return {
    handle,
    inserts,
    advance: (ms: number) => clockMs += ms,
    answerWith: (next: () => Response) => answer = next,
  };
}

Deno.test("a refused user is refused again before the body is read, without asking PostgREST", async () => {
  const { handle, inserts } = rig();
  const token = await signToken();
  assert.equal((await handle(post({ event: "a" }, { token }))).status, 429);
  assert.equal(inserts.length, 1);

  const again = post({ event: "b" }, { token });
  const response = await handle(again);
  assert.equal(response.status, 429);
  assert.equal((await jsonOf(response)).error.retry_after_ms, 1975);
  assert.equal(response.headers.get("retry-after"), "2");
  assert.equal(response.headers.get("ratelimit"), '"events";r=0;t=2');
  assert.equal(inserts.length, 1, "PostgREST was not asked");
  assert.equal(again.bodyUsed, false, "the body was not read");
  assert.equal(response.headers.get("connection"), "close");
});

Deno.test("once the Retry-After has passed, the database is asked again", async () => {
  const { handle, inserts, advance, answerWith } = rig();
  const token = await signToken();
  await handle(post({ event: "a" }, { token }));
  advance(1974);
  assert.equal(
    (await jsonOf(await handle(post({ event: "b" }, { token })))).error.retry_after_ms,
    1,
  );
  assert.equal(inserts.length, 1);

  advance(1);
  answerWith(() => new Response(null, { status: 201 }));
  const response = await handle(post({ event: "c" }, { token }));
  assert.equal(response.status, 201);
  assert.equal(inserts.length, 2, "never refused past the database's Retry-After");
});

Deno.test("another user is not refused by someone else's 429", async () => {
  const { handle, inserts, answerWith } = rig();
  await handle(post({ event: "a" }, { token: await signToken() }));
  answerWith(() => new Response(null, { status: 201 }));
  const bob = await signToken({ sub: "6c9d8e1f-2b3c-4d5e-8f9a-1b2c3d4e5f6a" });
  assert.equal((await handle(post({ event: "b" }, { token: bob }))).status, 201);
  assert.equal(inserts.length, 2);
});
