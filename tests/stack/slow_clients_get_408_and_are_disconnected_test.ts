// Slow clients against the running stack, with its default deadlines (10 s for the body, at the
// gateway and in the function): headers and one byte of a 100-byte body, then nothing. A raw TCP
// client sees when the answer comes and when the connection ends. Both slow clients start at
// once, so the file takes one deadline, not two.
import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { RawClient, type RawResponse } from "../support/raw_http.ts";
import { loadStackEnv } from "../support/stack_env.ts";

const DEADLINE_MS = 10_000;
// Generous: these tests must pass on a busy 2-core machine.
const MARGIN_MS = 5_000;

/** The function's own port, as `scripts/stack status` reports it. */
async function functionPort(): Promise<number> {
  const script = new URL("../../scripts/stack", import.meta.url).pathname;
  const output = await new Deno.Command("bash", { args: [script, "status"] }).output();
  const line = new TextDecoder().decode(output.stdout).split("\n")
    .find((text) => text.trim().startsWith("functions"));
  const port = line?.match(/127\.0\.0\.1:(\d+)/)?.[1];
  if (!port) throw new Error(`the functions port is not in scripts/stack status: ${line}`);
  return Number(port);
}

function stalledPost(path: string, token?: string): string {
  const authorization = token ? `Authorization: Bearer ${token}\r\n` : "";
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
    `${authorization}Content-Length: 100\r\n\r\n{`;
}

interface Outcome {
  response: RawResponse;
  closedAfterMs: number | null;
}

/**
 * Sends a stalled request and waits for the answer; then, unless told not to wait, for the close
 * (after sending the rest of the body, if told to).
 */
async function stall(
  port: number,
  path: string,
  options: { token?: string; thenSendTheRest?: boolean; waitForClose?: boolean } = {},
): Promise<Outcome> {
  const client = await RawClient.open(port);
  try {
    await client.send(stalledPost(path, options.token));
    const response = await client.waitForResponse(DEADLINE_MS + MARGIN_MS);
    if (options.waitForClose === false) return { response, closedAfterMs: null };
    if (options.thenSendTheRest) await client.send(" ".repeat(99));
    return { response, closedAfterMs: await client.waitForClose(MARGIN_MS) };
  } finally {
    client.close();
  }
}

const env = await loadStackEnv();
const gateway = Number(new URL(env.apiUrl).port);
const fn = await functionPort();
const token = await withFixtures(async (db) => (await db.createUser("slow")).token);
// Each outcome, or its failure, goes to its own test.
const settled = (outcome: Promise<Outcome>) => outcome.catch((error: Error) => error);
const outcomes = await Promise.all([
  settled(stall(gateway, "/functions/v1/track-event", { token })),
  settled(stall(fn, "/track-event", { token, waitForClose: false })),
  settled(stall(fn, "/track-event", { thenSendTheRest: true })),
]);
const [viaGateway, atFunction, earlyAnswer] = outcomes.map((outcome) => () => {
  if (outcome instanceof Error) throw outcome;
  return outcome;
});

Deno.test("through the gateway: 408 request_timeout at the deadline, then the connection closes", () => {
  const { response, closedAfterMs } = viaGateway();
  assert.equal(response.status, 408);
  assert.equal(JSON.parse(response.body).error.code, "request_timeout");
  assert.match(response.headers.get("connection") ?? "", /\bclose\b/);
  assert.ok(response.afterMs >= DEADLINE_MS - 500, `answered after ${response.afterMs} ms`);
  assert.ok(response.afterMs <= DEADLINE_MS + MARGIN_MS, `answered after ${response.afterMs} ms`);
  assert.ok(closedAfterMs !== null && closedAfterMs <= response.afterMs + MARGIN_MS);
});

Deno.test("at the function: 408 request_timeout at the deadline, with Connection: close", () => {
  const { response } = atFunction();
  assert.equal(response.status, 408);
  assert.equal(JSON.parse(response.body).error.code, "request_timeout");
  assert.match(response.headers.get("connection") ?? "", /\bclose\b/);
  assert.ok(response.afterMs >= DEADLINE_MS - 500, `answered after ${response.afterMs} ms`);
  assert.ok(response.afterMs <= DEADLINE_MS + MARGIN_MS, `answered after ${response.afterMs} ms`);
  // Deno.serve (2.9) then keeps the connection until the client closes it, whatever the header
  // says, once the handler has started reading the body: the gateway is what closes it.
});

Deno.test("at the function: a 401 before the body says Connection: close, and the connection ends with the body", () => {
  const { response, closedAfterMs } = earlyAnswer();
  assert.equal(response.status, 401);
  assert.match(response.headers.get("connection") ?? "", /\bclose\b/);
  assert.ok(response.afterMs < DEADLINE_MS, "answered at once, without waiting for the body");
  // Deno.serve reads the unread rest before it closes; once it is there, the connection ends
  // instead of waiting for another request.
  assert.ok(closedAfterMs !== null, "the connection was closed");
});
