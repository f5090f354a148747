// The body deadline (408) and the connection: an answer given before the body was read whole
// says `Connection: close`, so an unread body cannot hold the connection. The clock is the rig's
// fake scheduler: no test here waits for real time.
import assert from "node:assert/strict";
import { createRig, jsonOf, post, signToken } from "./test_support.ts";

/** A request whose body sends `first` and then nothing more, and says whether it was cancelled. */
function stalledPost(token: string, first = '{"event":') {
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const request = new Request("http://localhost/track-event", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "content-length": "100",
    },
    body,
  });
  return { request, state };
}

Deno.test("a body that stops arriving is a 408 request_timeout at the deadline; nothing is stored", async () => {
  const rig = createRig({ bodyTimeoutMs: 7_000 });
  const { request, state } = stalledPost(await signToken());
  const answer = rig.handle(request);
  const timer = await rig.timers.whenScheduled();
  assert.equal(timer.delayMs, 7_000);

  timer.fire();
  const response = await answer;
  assert.equal(response.status, 408);
  const body = await jsonOf(response);
  assert.equal(body.error.code, "request_timeout");
  assert.equal(typeof body.error.message, "string");
  assert.equal(response.headers.get("connection"), "close");
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.ok(state.cancelled, "the rest of the body is not waited for");
  assert.equal(rig.store.insertCalls.length, 0);
  assert.equal(rig.logs[0].code, "request_timeout");
});

Deno.test("the deadline is cancelled once the body has arrived", async () => {
  const rig = createRig();
  const response = await rig.handle(post({ event: "x" }, { token: await signToken() }));
  assert.equal(response.status, 201);
  assert.equal(rig.timers.scheduled, 1, "reading the body was under a deadline");
  assert.equal(rig.timers.pending.length, 0, "and the deadline was cancelled");
  assert.equal(response.headers.get("connection"), null);
});

Deno.test("answers given before the body was read say Connection: close", async () => {
  const token = await signToken();
  const unread = {
    "401 before the body": post({ event: "x" }),
    "415 before the body": post({ event: "x" }, {
      token,
      headers: { "content-type": "text/plain" },
    }),
    "413 on the declared length": post({ event: "x" }, {
      token,
      headers: { "content-length": String(600 * 1024) },
    }),
    "405 with a body": new Request("http://localhost/track-event", {
      method: "PUT",
      headers: { "content-length": "2" },
      body: "{}",
    }),
  };
  for (const [name, request] of Object.entries(unread)) {
    const response = await createRig().handle(request);
    assert.equal(response.headers.get("connection"), "close", name);
  }
});

Deno.test("answers given after the body was read keep the connection", async () => {
  const token = await signToken();
  const read = {
    "201": post({ event: "x" }, { token }),
    "400 bad JSON": post("{", { token }),
    "400 schema": post({ event: "" }, { token }),
    "204 preflight": new Request("http://localhost/track-event", { method: "OPTIONS" }),
  };
  for (const [name, request] of Object.entries(read)) {
    const response = await createRig().handle(request);
    assert.ok(response.status < 500, name);
    assert.equal(response.headers.get("connection"), null, name);
  }
});
