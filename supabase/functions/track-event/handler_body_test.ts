// Body limits and encodings through the handler.
import assert from "node:assert/strict";
import { createRig, gzip, jsonOf, post, signToken } from "./test_support.ts";

Deno.test("a gzip-compressed batch is accepted", async () => {
  const rig = createRig();
  const batch = {
    events: Array.from({ length: 300 }, (_, i) => ({ event: "scroll", properties: { i } })),
  };
  const response = await rig.handle(post(await gzip(JSON.stringify(batch)), {
    token: await signToken(),
    headers: { "content-encoding": "gzip" },
  }));
  assert.equal(response.status, 201);
  assert.equal((await jsonOf(response)).accepted, 300);
});

Deno.test("a gzip bomb (small compressed, > 512 KiB decompressed) is a 413 and stores nothing", async () => {
  const rig = createRig();
  const bomb = await gzip(JSON.stringify({ event: "x", properties: { z: "0".repeat(8 << 20) } }));
  assert.ok(bomb.byteLength < 64 * 1024);
  const response = await rig.handle(
    post(bomb, { token: await signToken(), headers: { "content-encoding": "gzip" } }),
  );
  assert.equal(response.status, 413);
  assert.equal((await jsonOf(response)).error.code, "payload_too_large");
  assert.equal(rig.store.insertCalls.length, 0);
});

Deno.test("a corrupt gzip body is a 400, not a 500", async () => {
  const rig = createRig();
  const response = await rig.handle(
    post("not gzip at all", { token: await signToken(), headers: { "content-encoding": "gzip" } }),
  );
  assert.equal(response.status, 400);
  assert.equal((await jsonOf(response)).error.code, "invalid_json");
});

Deno.test("a declared Content-Length over 512 KiB is refused up front", async () => {
  const rig = createRig();
  const request = post({ event: "x" }, {
    token: await signToken(),
    headers: { "content-length": String(600 * 1024) },
  });
  const response = await rig.handle(request);
  assert.equal(response.status, 413);
});

Deno.test("a body of 512 KiB passes the body limit; one byte more does not", async () => {
  const rig = createRig();
  const token = await signToken();
  const event = JSON.stringify({ event: "x", properties: { s: "a".repeat(30_000) } });
  const exact = (size: number) => {
    const events = Array(Math.floor(size / (event.length + 1))).fill(event).join(",");
    const shell = `{"events":[${events}]}`;
    return shell.slice(0, -1) + " ".repeat(size - shell.length) + "}";
  };
  // Over 500 events would be another error, so the filler is whitespace.
  assert.equal(exact(512 * 1024).length, 512 * 1024);
  assert.equal((await rig.handle(post(exact(512 * 1024), { token }))).status, 201);
  assert.equal((await rig.handle(post(exact(512 * 1024 + 1), { token }))).status, 413);
});

Deno.test("invalid UTF-8 is a 400 invalid_json", async () => {
  const rig = createRig();
  const response = await rig.handle(
    post(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), { token: await signToken() }),
  );
  assert.equal(response.status, 400);
  assert.equal((await jsonOf(response)).error.code, "invalid_json");
});

Deno.test("the 400 for bad JSON does not quote the body", async () => {
  const rig = createRig();
  const response = await rig.handle(post('{"secret": "hunter2"', { token: await signToken() }));
  const text = await response.text();
  assert.equal(response.status, 400);
  assert.doesNotMatch(text, /hunter2|secret/);
});

Deno.test("a 500 KiB body of invalid events gets a small 400: 100 issues and their count", async () => {
  const rig = createRig();
  const unknown = Object.fromEntries(Array.from({ length: 125 }, (_, k) => [`k${k}`, 0]));
  const body = JSON.stringify({
    events: Array.from({ length: 500 }, () => ({ event: "x", ...unknown })),
  });
  assert.ok(body.length > 500 * 1024 && body.length <= 512 * 1024);
  const response = await rig.handle(post(body, { token: await signToken() }));
  const text = await response.text();
  assert.equal(response.status, 400);
  assert.ok(text.length < 16 * 1024, `${text.length} bytes answered ${body.length}`);
  const { error } = JSON.parse(text);
  assert.equal(error.issues.length, 100);
  assert.equal(error.issue_count, 500 * 125);
  assert.equal(rig.store.insertCalls.length, 0);
});
