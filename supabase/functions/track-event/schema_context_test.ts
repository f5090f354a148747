// `context`: a JSON object beside `properties`, at most 8 KiB once stored and 8 levels deep,
// counted inside the event's 32 KiB as well.
import assert from "node:assert/strict";
import { PayloadTooLargeError, ValidationError } from "../_shared/errors.ts";
import { MAX_CONTEXT_TEXT_BYTES } from "./limits.ts";
import { parseTrackRequest } from "./schema.ts";

function issuesOf(body: unknown): { index: number | null; path: string; message: string }[] {
  try {
    parseTrackRequest(body);
  } catch (error) {
    assert.ok(error instanceof ValidationError, `expected a 400, got ${error}`);
    return error.issues;
  }
  assert.fail("expected the body to be refused");
}

function tooLargePaths(body: unknown): string[] {
  try {
    parseTrackRequest(body);
  } catch (error) {
    assert.ok(error instanceof PayloadTooLargeError, `expected a 413, got ${error}`);
    return (error.details.issues as { path: string }[]).map((issue) => issue.path);
  }
  assert.fail("expected the body to be refused");
}

Deno.test("context is kept as sent, apart from properties", () => {
  const context = { library: { name: "@track-event/client", version: "0.1.0" }, locale: "fr-FR" };
  const [event] = parseTrackRequest({ event: "x", properties: { a: 1 }, context }).events;
  assert.deepEqual(event.context, context);
  assert.deepEqual(event.properties, { a: 1 });
});

Deno.test("a context that is not a JSON object is a 400 naming context", () => {
  for (const context of [[], null, "web", 1, true]) {
    assert.deepEqual(issuesOf({ events: [{ event: "ok" }, { event: "x", context }] }), [
      { index: 1, path: "context", message: "must be a JSON object" },
    ], JSON.stringify(context));
  }
});

Deno.test("context may nest 8 levels, not 9", () => {
  const nest = (levels: number) =>
    JSON.parse('{"a":'.repeat(levels - 1) + "{}" + "}".repeat(levels - 1));
  assert.ok(parseTrackRequest({ event: "x", context: nest(8) }));
  assert.deepEqual(issuesOf({ event: "x", context: nest(9) }), [
    { index: 0, path: "context", message: "must not nest deeper than 8 levels" },
  ]);
});

Deno.test("context over 8 KiB once stored is a 413 naming context; up to 8 KiB passes", () => {
  // {"s": "..."} is 9 bytes of jsonb text around the string.
  const fits = { s: "a".repeat(MAX_CONTEXT_TEXT_BYTES - 9) };
  assert.ok(parseTrackRequest({ event: "x", context: fits }));
  const over = { s: "a".repeat(MAX_CONTEXT_TEXT_BYTES - 8) };
  assert.deepEqual(tooLargePaths({ event: "x", context: over }), ["context"]);
  // jsonb prints numbers in full: 30 copies of 1e300 are small JSON but 9 KiB stored.
  const digits = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`n${i}`, 1e300]));
  assert.deepEqual(tooLargePaths({ event: "x", context: digits }), ["context"]);
});

Deno.test("context counts toward the event's 32 KiB", () => {
  const properties = { s: "a".repeat(30 * 1024) };
  const context = { s: "c".repeat(4 * 1024) };
  assert.ok(parseTrackRequest({ event: "x", properties }));
  assert.ok(parseTrackRequest({ event: "x", context }));
  assert.deepEqual(tooLargePaths({ event: "x", properties, context }), [""]);
});

Deno.test("context must hold only storable strings and exact numbers", () => {
  assert.deepEqual(issuesOf({ event: "x", context: { page: { title: "a\u0000b" } } }), [
    { index: 0, path: "context", message: "must not contain U+0000 or unpaired UTF-16 surrogates" },
  ]);
  assert.deepEqual(issuesOf({ event: "x", context: { screen: { width: 2 ** 60 } } }), [{
    index: 0,
    path: "context.screen.width",
    message:
      "is a number beyond ±9007199254740991 that cannot be stored exactly: send it as a string",
  }]);
});
