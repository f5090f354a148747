import assert from "node:assert/strict";
import { assertJsonContentType, parseJsonBody, readBoundedBody } from "./body.ts";
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from "./errors.ts";

const LIMIT = 1024;

async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function request(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://localhost/", { method: "POST", body, headers });
}

/** A body of `chunks` chunks of `size` bytes that counts how many chunks were pulled. */
function countingBody(chunks: number, size: number) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

Deno.test("application/json with parameters is JSON; anything else is 415", () => {
  for (const type of ["application/json", "Application/JSON; charset=utf-8"]) {
    assertJsonContentType(new Headers({ "content-type": type }));
  }
  for (const type of [undefined, "", "text/plain", "application/jsonp", "multipart/form-data"]) {
    const headers = new Headers(type === undefined ? {} : { "content-type": type });
    assert.throws(() => assertJsonContentType(headers), UnsupportedMediaTypeError);
  }
});

Deno.test("a plain body within the limit is read whole", async () => {
  const bytes = await readBoundedBody(request('{"a":1}'), LIMIT);
  assert.equal(new TextDecoder().decode(bytes), '{"a":1}');
  assert.equal((await readBoundedBody(request(null), LIMIT)).byteLength, 0);
});

Deno.test("gzip bodies are decompressed (gzip, x-gzip, any case)", async () => {
  const compressed = await gzip(new TextEncoder().encode('{"a":"b"}'));
  for (const encoding of ["gzip", "x-gzip", " GZIP "]) {
    const bytes = await readBoundedBody(
      request(compressed, { "content-encoding": encoding }),
      LIMIT,
    );
    assert.equal(new TextDecoder().decode(bytes), '{"a":"b"}');
  }
  const identity = await readBoundedBody(request("{}", { "content-encoding": "identity" }), LIMIT);
  assert.equal(identity.byteLength, 2);
});

Deno.test("encodings other than gzip are 415", async () => {
  for (const encoding of ["br", "deflate", "gzip, br", "zstd"]) {
    await assert.rejects(
      readBoundedBody(request("{}", { "content-encoding": encoding }), LIMIT),
      UnsupportedMediaTypeError,
    );
  }
});

Deno.test("a body over the limit is 413 and reading stops right after the limit", async () => {
  const { stream, state } = countingBody(1000, 100);
  await assert.rejects(readBoundedBody(request(stream), LIMIT), PayloadTooLargeError);
  assert.ok(state.pulled <= 13, `pulled ${state.pulled} chunks of 100 bytes for a 1024 limit`);
});

Deno.test("a body of exactly the limit is accepted", async () => {
  const bytes = await readBoundedBody(request(new Uint8Array(LIMIT)), LIMIT);
  assert.equal(bytes.byteLength, LIMIT);
  await assert.rejects(
    readBoundedBody(request(new Uint8Array(LIMIT + 1)), LIMIT),
    PayloadTooLargeError,
  );
});

Deno.test("a declared Content-Length over the limit is 413 before any byte is read", async () => {
  const { stream, state } = countingBody(1, 10);
  const req = request(stream, { "content-length": String(LIMIT + 1) });
  await assert.rejects(readBoundedBody(req, LIMIT), PayloadTooLargeError);
  assert.equal(state.pulled, 0);
});

Deno.test("a gzip bomb is cut off at the decompressed limit", async () => {
  const bomb = await gzip(new Uint8Array(10 * 1024 * 1024));
  assert.ok(bomb.byteLength < LIMIT * 20, "the bomb itself is small");
  await assert.rejects(
    readBoundedBody(request(bomb, { "content-encoding": "gzip" }), 64 * 1024),
    PayloadTooLargeError,
  );
});

Deno.test("gzip input that is not gzip, or truncated, is a 400, never a 500", async () => {
  const valid = await gzip(new TextEncoder().encode('{"a":1}'));
  const bodies = [
    new TextEncoder().encode("definitely not gzip"),
    valid.slice(0, valid.length - 6),
  ];
  for (const body of bodies) {
    await assert.rejects(
      readBoundedBody(request(body, { "content-encoding": "gzip" }), LIMIT),
      (error) => error instanceof ValidationError && error.code === "invalid_json",
    );
  }
});

Deno.test("a body stream that fails midway is a 400", async () => {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array([123]));
      controller.error(new Error("connection reset"));
    },
  });
  await assert.rejects(readBoundedBody(request(stream), LIMIT), ValidationError);
});

Deno.test("JSON parsing: invalid UTF-8 and invalid JSON are 400 invalid_json without quoting", () => {
  assert.deepEqual(parseJsonBody(new TextEncoder().encode('{"a":[1]}')), { a: [1] });
  const bad = [
    new Uint8Array([0x7b, 0xff, 0x7d]),
    new TextEncoder().encode("{secret-token"),
    new Uint8Array(),
  ];
  for (const bytes of bad) {
    assert.throws(() => parseJsonBody(bytes), (error) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.code, "invalid_json");
      assert.ok(!error.message.includes("secret"));
      return true;
    });
  }
  // The decoder is shared between requests: a failed decode leaves nothing behind.
  assert.throws(() => parseJsonBody(new Uint8Array([0x22, 0xe2, 0x82])), ValidationError);
  assert.deepEqual(parseJsonBody(new TextEncoder().encode('"€"')), "€");
});
