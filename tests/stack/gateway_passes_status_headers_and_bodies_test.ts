import assert from "node:assert/strict";
import { createGateway } from "../../scripts/local/gateway.ts";

/** Serves `handler` on a free loopback port for the duration of `fn`. */
async function serving(
  handler: Deno.ServeHandler,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
}

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  body: string;
}

Deno.test("the gateway strips /rest/v1 and passes method, status, headers and body unchanged", async () => {
  const seen: Seen[] = [];
  await serving(async (request) => {
    const url = new URL(request.url);
    seen.push({
      method: request.method,
      path: url.pathname + url.search,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    });
    return new Response("created-body", {
      status: 201,
      headers: { "x-upstream": "postgrest", "content-range": "*/1" },
    });
  }, async (upstream) => {
    const gateway = createGateway({ rest: upstream, functions: {} });
    const response = await gateway(
      new Request("http://gw/rest/v1/analytics_events?select=id", {
        method: "POST",
        headers: { authorization: "Bearer user-token", apikey: "anon-key" },
        body: '{"event":"x"}',
      }),
    );
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-upstream"), "postgrest");
    assert.equal(response.headers.get("content-range"), "*/1");
    assert.equal(await response.text(), "created-body");
  });
  assert.deepEqual(seen, [{
    method: "POST",
    path: "/analytics_events?select=id",
    authorization: "Bearer user-token",
    body: '{"event":"x"}',
  }]);
});

Deno.test("the gateway routes /functions/v1/<name> to that function and authorises a bare apikey", async () => {
  const seen: Seen[] = [];
  await serving(async (request) => {
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    });
    return new Response(null, { status: 204 });
  }, async (upstream) => {
    const gateway = createGateway({
      rest: "http://127.0.0.1:9",
      functions: { "track-event": upstream },
    });
    const response = await gateway(
      new Request("http://gw/functions/v1/track-event", {
        method: "PUT",
        headers: { apikey: "anon-key" },
        body: "payload",
      }),
    );
    assert.equal(response.status, 204);
  });
  assert.deepEqual(seen, [{
    method: "PUT",
    path: "/track-event",
    authorization: "Bearer anon-key",
    body: "payload",
  }]);
});

Deno.test("a gzip request body reaches the upstream byte for byte", async () => {
  const compressed = new Uint8Array(
    await new Response(
      new Blob(['{"event":"zipped"}']).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  let received: Uint8Array | undefined;
  let encoding: string | null = null;
  await serving(async (request) => {
    received = new Uint8Array(await request.arrayBuffer());
    encoding = request.headers.get("content-encoding");
    return new Response("ok");
  }, async (upstream) => {
    const gateway = createGateway({
      rest: "http://127.0.0.1:9",
      functions: { "track-event": upstream },
    });
    const response = await gateway(
      new Request("http://gw/functions/v1/track-event", {
        method: "POST",
        headers: { "content-encoding": "gzip" },
        body: compressed,
      }),
    );
    assert.equal(await response.text(), "ok");
  });
  assert.equal(encoding, "gzip");
  assert.deepEqual(received, compressed);
});

Deno.test("an unreachable upstream is a 502, as Supabase's gateway answers", async () => {
  const gateway = createGateway({ rest: "http://127.0.0.1:9", functions: {} });
  const response = await gateway(new Request("http://gw/rest/v1/jobs"));
  assert.equal(response.status, 502);
  assert.match((await response.json()).message, /upstream/);
});

Deno.test("a function name that is an inherited property is still unknown: 404", async () => {
  const gateway = createGateway({ rest: "http://127.0.0.1:9", functions: {} });
  for (const name of ["toString", "constructor", "__proto__"]) {
    const response = await gateway(
      new Request(`http://gw/functions/v1/${name}`, { method: "POST" }),
    );
    assert.equal(response.status, 404, name);
    await response.body?.cancel();
  }
});
