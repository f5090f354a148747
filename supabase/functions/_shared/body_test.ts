import assert from "node:assert/strict";
import { constants, deflateRawSync, gzipSync } from "node:zlib";
import { assertJsonContentType, parseJsonBody, readBoundedBody } from "./body.ts";
import {
  PayloadTooLargeError,
  RequestTimeoutError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "./errors.ts";

const LIMIT = 1024;

async function gzip(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Concatenates byte arrays: gzip members, or a member and what follows it. */
function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * A gzip stream whose first `validBytes` of output inflate fine and whose next deflate block is
 * invalid (block type 3 is reserved). An inflater that stops before `validBytes` says 413; one
 * that inflates further meets the bad block and fails: which one it is shows how far it went.
 */
function gzipBrokenAfter(validBytes: number): Uint8Array<ArrayBuffer> {
  const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  // A sync flush ends the deflate data on a byte boundary without a final block.
  const valid = deflateRawSync(new Uint8Array(validBytes), {
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  return concat(header, valid, new Uint8Array([0xff, 0xff, 0xff, 0xff]));
}

function gzipRequest(body: Uint8Array): Request {
  return request(new Uint8Array(body), { "content-encoding": "gzip" });
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

Deno.test("gzip that is corrupt anywhere is a 400, never a 500", async () => {
  const valid = gzipSync(new TextEncoder().encode('{"a":1}'));
  const flip = (index: number) => {
    const copy = valid.slice();
    copy[index < 0 ? copy.length + index : index] ^= 1;
    return copy;
  };
  const bodies = {
    "not gzip": new TextEncoder().encode("definitely not gzip"),
    "truncated": valid.slice(0, valid.length - 6),
    "wrong CRC": flip(-6),
    "wrong length": flip(-1),
    "garbage after the member": concat(valid, new TextEncoder().encode("xyz")),
    "a corrupt second member": concat(valid, valid.slice(0, 12)),
    "empty": new Uint8Array(),
  };
  for (const [name, body] of Object.entries(bodies)) {
    await assert.rejects(
      readBoundedBody(gzipRequest(body), LIMIT),
      (error) => error instanceof ValidationError && error.code === "invalid_json",
      name,
    );
  }
});

Deno.test("a multi-member gzip body (RFC 1952, section 2.2) is read whole", async () => {
  const members = ['{"events":', '[{"event":"a"}', "]}"].map((part) =>
    gzipSync(new TextEncoder().encode(part))
  );
  const bytes = await readBoundedBody(gzipRequest(concat(...members)), LIMIT);
  assert.equal(new TextDecoder().decode(bytes), '{"events":[{"event":"a"}]}');
});

Deno.test("gzip that inflates to exactly the limit is accepted; one byte more is 413", async () => {
  const exact = await readBoundedBody(gzipRequest(gzipSync(new Uint8Array(LIMIT))), LIMIT);
  assert.equal(exact.byteLength, LIMIT);
  await assert.rejects(
    readBoundedBody(gzipRequest(gzipSync(new Uint8Array(LIMIT + 1))), LIMIT),
    PayloadTooLargeError,
  );
});

Deno.test("decompression stops within 64 KiB past the limit: the rest is never inflated", async () => {
  const limit = 64 * 1024;
  // Control: with the bad block inside the limit, the inflater does meet it.
  await assert.rejects(
    readBoundedBody(gzipRequest(gzipBrokenAfter(limit / 2)), limit),
    ValidationError,
  );
  await assert.rejects(
    readBoundedBody(gzipRequest(gzipBrokenAfter(limit + 64 * 1024)), limit),
    PayloadTooLargeError,
  );
});

Deno.test("a bomb of many gzip members is cut off at the limit too", async () => {
  const member = gzipSync(new Uint8Array(256 * 1024));
  const bomb = concat(...Array.from({ length: 400 }, () => member));
  assert.ok(bomb.byteLength < 512 * 1024, "400 members of 256 KiB of zeros, under the wire limit");
  await assert.rejects(readBoundedBody(gzipRequest(bomb), 512 * 1024), PayloadTooLargeError);
});

Deno.test("a deadline that passes mid-body is a 408, and the body is cancelled", async () => {
  let cancelled = false;
  const stalled = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"a":'));
    },
    cancel() {
      cancelled = true;
    },
  });
  const deadline = new AbortController();
  const reading = readBoundedBody(request(stalled), LIMIT, deadline.signal);
  deadline.abort();
  await assert.rejects(reading, RequestTimeoutError);
  assert.ok(cancelled);

  const late = request('{"a":1}');
  await assert.rejects(readBoundedBody(late, LIMIT, AbortSignal.abort()), RequestTimeoutError);
  // A body read in time is not affected by a deadline that never passes.
  const inTime = await readBoundedBody(request("{}"), LIMIT, new AbortController().signal);
  assert.equal(inTime.byteLength, 2);
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
