// The gateway, served as the stack serves it (serve_with_deadlines over node:http) but with
// deadlines of one second, in front of a stand-in function: slow bodies get a 408 and a closed
// connection without reaching the function, and neither unfinished headers nor idle keep-alive
// connections live on. A raw TCP client sees exactly when the gateway answers and closes.
import assert from "node:assert/strict";
import { createGateway, timeoutResponse } from "../../scripts/local/gateway.ts";
import { serveWithDeadlines } from "../../scripts/local/serve_with_deadlines.ts";
import { RawClient } from "../support/raw_http.ts";

const DEADLINE_MS = 1_000;
// Generous: these tests must pass on a busy 2-core machine.
const MARGIN_MS = 4_000;

interface Rig {
  port: number;
  upstreamCalls: string[];
}

// Small, so the test sends little: the gateway's default is 16 MiB (GATEWAY_MAX_BODY_BYTES).
const MAX_BODY_BYTES = 64 * 1024;

async function withGateway(fn: (rig: Rig) => Promise<void>): Promise<void> {
  const upstreamCalls: string[] = [];
  const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    upstreamCalls.push(`${r.method} ${new URL(r.url).pathname} ${await r.text()}`);
    const headers = new Headers({ "content-type": "application/json", "x-upstream": "yes" });
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    return new Response('{"stored":true}', { status: 201, headers });
  });
  const target = `http://127.0.0.1:${upstream.addr.port}`;
  const gateway = await serveWithDeadlines(
    createGateway({ rest: target, functions: { "track-event": target } }),
    {
      hostname: "127.0.0.1",
      port: 0,
      deadlines: {
        bodyTimeoutMs: DEADLINE_MS,
        headersTimeoutMs: DEADLINE_MS,
        keepAliveTimeoutMs: DEADLINE_MS,
      },
      timeoutResponse: (path) => timeoutResponse(path, DEADLINE_MS),
      maxBodyBytes: MAX_BODY_BYTES,
    },
  );
  try {
    await fn({ port: gateway.port, upstreamCalls });
  } finally {
    await gateway.close();
    await upstream.shutdown();
  }
}

async function withClient(port: number, fn: (client: RawClient) => Promise<void>) {
  const client = await RawClient.open(port);
  try {
    await fn(client);
  } finally {
    client.close();
  }
}

const stalledRequest = (path: string) =>
  `POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n` +
  `Content-Length: 100\r\n\r\n{`;

Deno.test("a body that stops arriving gets 408 at the deadline, then EOF; the function never sees it", async () => {
  await withGateway(async ({ port, upstreamCalls }) => {
    await withClient(port, async (client) => {
      await client.send(stalledRequest("/functions/v1/track-event"));
      const response = await client.waitForResponse(DEADLINE_MS + MARGIN_MS);
      assert.equal(response.status, 408);
      assert.equal(response.headers.get("connection"), "close");
      assert.ok(response.afterMs >= DEADLINE_MS - 50, `answered after ${response.afterMs} ms`);
      const closedAfter = await client.waitForClose(DEADLINE_MS + MARGIN_MS);
      assert.ok(closedAfter >= response.afterMs);
      assert.equal(JSON.parse(response.body).error.code, "request_timeout");
    });
    assert.deepEqual(upstreamCalls, []);
  });
});

Deno.test("on a REST route the 408 is in Kong's format, and the connection closes too", async () => {
  await withGateway(async ({ port }) => {
    await withClient(port, async (client) => {
      await client.send(stalledRequest("/rest/v1/analytics_events"));
      const response = await client.waitForResponse(DEADLINE_MS + MARGIN_MS);
      assert.equal(response.status, 408);
      await client.waitForClose(DEADLINE_MS + MARGIN_MS);
      assert.match(JSON.parse(response.body).message, /did not arrive/);
    });
  });
});

Deno.test("headers that never finish, or no request at all, are closed at the header deadline", async () => {
  await withGateway(async ({ port }) => {
    await withClient(port, async (partial) => {
      await withClient(port, async (silent) => {
        await partial.send("POST /functions/v1/track-event HTTP/1.1\r\nHost: gw\r\n");
        await silent.send("");
        // Node checks its header deadline once a second, so allow one more second.
        await partial.waitForClose(DEADLINE_MS + 1_000 + MARGIN_MS);
        await silent.waitForClose(DEADLINE_MS + 1_000 + MARGIN_MS);
      });
    });
  });
});

Deno.test("an idle keep-alive connection is closed after the keep-alive deadline", async () => {
  await withGateway(async ({ port }) => {
    await withClient(port, async (client) => {
      await client.send("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
      const response = await client.waitForResponse(MARGIN_MS);
      assert.equal(response.status, 200);
      assert.notEqual(response.headers.get("connection"), "close");
      const closedAfter = await client.waitForClose(DEADLINE_MS + 1_000 + MARGIN_MS);
      assert.ok(
        closedAfter >= response.afterMs + DEADLINE_MS / 2,
        `closed after ${closedAfter} ms`,
      );
    });
  });
});

Deno.test("a request in time passes through whole: status, headers, cookies and bodies", async () => {
  await withGateway(async ({ port, upstreamCalls }) => {
    const url = `http://127.0.0.1:${port}/functions/v1/track-event`;
    const response = await fetch(url, { method: "POST", body: '{"event":"x"}' });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-upstream"), "yes");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
    assert.equal(await response.text(), '{"stored":true}');
    assert.deepEqual(upstreamCalls, ['POST /track-event {"event":"x"}']);
  });
});

Deno.test("a body over the size limit is a 413 before it is buffered whole; the upstream never sees it", async () => {
  await withGateway(async ({ port, upstreamCalls }) => {
    await withClient(port, async (client) => {
      const length = 100 * MAX_BODY_BYTES;
      await client.send(
        `POST /functions/v1/track-event HTTP/1.1\r\nHost: gw\r\nContent-Length: ${length}\r\n\r\n` +
          "x".repeat(2 * MAX_BODY_BYTES),
      );
      const response = await client.waitForResponse(MARGIN_MS);
      assert.equal(response.status, 413);
      assert.equal(JSON.parse(response.body).message, "Request size limit exceeded");
      await client.waitForClose(MARGIN_MS);
    });
    assert.deepEqual(upstreamCalls, []);
  });
});

Deno.test("a Host header that makes no URL is a 400, not a 500", async () => {
  await withGateway(async ({ port, upstreamCalls }) => {
    await withClient(port, async (client) => {
      await client.send("GET /rest/v1/jobs HTTP/1.1\r\nHost: [::1\r\n\r\n");
      const response = await client.waitForResponse(MARGIN_MS);
      assert.equal(response.status, 400);
    });
    assert.deepEqual(upstreamCalls, []);
  });
});
