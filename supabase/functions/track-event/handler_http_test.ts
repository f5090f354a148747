// Methods, CORS and request ids: what every response carries, whatever happened.
import assert from "node:assert/strict";
import { createRig, post, signToken } from "./test_support.ts";

const URL = "http://localhost/track-event";

Deno.test("OPTIONS is a 204 preflight without a token", async () => {
  const rig = createRig();
  const response = await rig.handle(
    new Request(URL, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, content-encoding",
      },
    }),
  );
  assert.equal(response.status, 204);
  assert.equal(await response.text(), "");
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.equal(response.headers.get("access-control-allow-methods"), "POST, OPTIONS");
  assert.match(
    response.headers.get("access-control-allow-headers")!,
    /authorization.*content-encoding/,
  );
  assert.equal(response.headers.get("x-request-id"), "req-1");
  assert.equal(rig.store.tokens.length, 0, "no data access");
});

Deno.test("other methods are 405 with Allow: POST, OPTIONS, before any token check", async () => {
  for (const method of ["GET", "HEAD", "PUT", "PATCH", "DELETE"]) {
    const rig = createRig();
    const response = await rig.handle(new Request(URL, { method }));
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "POST, OPTIONS");
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    if (method !== "HEAD") assert.equal((await response.json()).error.code, "method_not_allowed");
  }
});

Deno.test("with an origin list, listed origins are echoed on success and on errors", async () => {
  const rig = createRig({ allowedOrigins: ["https://app.example"] });
  const token = await signToken();
  const requests = [
    post({ event: "x" }, { token, headers: { origin: "https://app.example" } }),
    post({ event: "x" }, { headers: { origin: "https://app.example" } }),
    new Request(URL, { method: "OPTIONS", headers: { origin: "https://app.example" } }),
  ];
  for (const request of requests) {
    const response = await rig.handle(request);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example");
    assert.equal(response.headers.get("vary"), "Origin");
  }
});

Deno.test("with an origin list, other origins get no Allow-Origin", async () => {
  const rig = createRig({ allowedOrigins: ["https://app.example"] });
  const response = await rig.handle(
    new Request(URL, { method: "OPTIONS", headers: { origin: "https://evil.example" } }),
  );
  assert.equal(response.headers.get("access-control-allow-origin"), null);
  assert.equal(response.headers.get("vary"), "Origin");
});

Deno.test("every response has its own request id and CORS headers", async () => {
  const rig = createRig();
  const token = await signToken();
  const responses = [
    await rig.handle(post({ event: "x" }, { token })),
    await rig.handle(post({ event: "x" })),
    await rig.handle(post("{", { token })),
    await rig.handle(new Request(URL, { method: "PUT" })),
  ];
  assert.deepEqual(responses.map((r) => r.headers.get("x-request-id")), [
    "req-1",
    "req-2",
    "req-3",
    "req-4",
  ]);
  for (const response of responses) {
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.match(response.headers.get("access-control-expose-headers")!, /x-request-id/);
  }
});

Deno.test("JSON with a charset parameter is accepted", async () => {
  const rig = createRig();
  const response = await rig.handle(post({ event: "x" }, {
    token: await signToken(),
    headers: { "content-type": "application/json; charset=UTF-8" },
  }));
  assert.equal(response.status, 201);
});

Deno.test("the token is checked before the content type and before the body is read", async () => {
  const rig = createRig();
  let pulled = false;
  const body = new ReadableStream<Uint8Array>({
    pull() {
      pulled = true;
    },
  }, { highWaterMark: 0 });
  const response = await rig.handle(
    new Request(URL, { method: "POST", body, headers: { "content-type": "text/plain" } }),
  );
  assert.equal(response.status, 401);
  assert.equal(pulled, false);
});
