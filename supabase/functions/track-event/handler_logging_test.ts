// One JSON line per request with the facts an operator needs, and never a token or properties.
import assert from "node:assert/strict";
import { createJsonLogger } from "../_shared/log.ts";
import { createHandler } from "./handler.ts";
import { createRig, NOW, post, signToken } from "./test_support.ts";

Deno.test("a stored batch logs request id, user, event count, status and latency", async () => {
  let now = NOW.getTime();
  const rig = createRig({ now: () => new Date((now += 7) - 7) });
  const token = await signToken();
  await rig.handle(
    post({ events: [{ event: "a", properties: { email: "alice@example.com" } }, { event: "b" }] }, {
      token,
    }),
  );
  assert.equal(rig.logs.length, 1);
  const entry = rig.logs[0];
  assert.deepEqual(entry, {
    level: "info",
    msg: "track-event",
    request_id: "req-1",
    method: "POST",
    user_id: "5b8c7f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
    events: 2,
    status: 201,
    code: null,
    latency_ms: 7,
  });
  const line = JSON.stringify(entry);
  assert.ok(!line.includes(token) && !line.includes("alice@example.com"));
});

Deno.test("failures log their code; unauthenticated ones have no user", async () => {
  const rig = createRig();
  await rig.handle(post({ event: "a" }, { token: "garbage.token.value" }));
  assert.equal(rig.logs[0].status, 401);
  assert.equal(rig.logs[0].code, "invalid_token");
  assert.equal(rig.logs[0].user_id, null);
  assert.equal(rig.logs[0].events, null);
  assert.ok(!JSON.stringify(rig.logs[0]).includes("garbage"));
});

Deno.test("a 500 is logged at error level with the error's name only", async () => {
  const rig = createRig();
  rig.store.failInsert = new RangeError("secret detail from deep inside");
  await rig.handle(post({ event: "a" }, { token: await signToken() }));
  const entry = rig.logs[0];
  assert.equal(entry.level, "error");
  assert.equal(entry.code, "internal_error");
  assert.equal(entry.error, "RangeError");
  assert.ok(!JSON.stringify(entry).includes("secret detail"));
});

Deno.test("the JSON logger writes exactly one line per request", async () => {
  const lines: string[] = [];
  const rig = createRig();
  const handle = createHandler({
    ...rig.deps,
    logger: createJsonLogger((line) => lines.push(line)),
  });
  await handle(post({ event: "a" }, { token: await signToken() }));
  await handle(new Request("http://localhost/", { method: "OPTIONS" }));
  assert.equal(lines.length, 2);
  assert.deepEqual(lines.map((line) => JSON.parse(line).status), [201, 204]);
});
