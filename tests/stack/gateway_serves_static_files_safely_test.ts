import assert from "node:assert/strict";
import { createGateway } from "../../scripts/local/gateway.ts";
import { loadStackEnv } from "../support/stack_env.ts";

const SECRET = "secret-outside-the-mount";
// static_fixture/public is mounted; beside it lies secret.txt, and inside it a dot-file and a
// symlink to the secret: nothing may reach either.
const PUBLIC_DIR = new URL("./static_fixture/public", import.meta.url).pathname;

const gateway = createGateway({
  rest: "http://127.0.0.1:9",
  functions: {},
  static: { "/site/": PUBLIC_DIR },
});
const get = (path: string, init?: RequestInit) => gateway(new Request(`http://gw${path}`, init));

Deno.test("the gateway serves mounted files with their content types, and index.html for a folder", async () => {
  const cases: [string, string, string][] = [
    ["/site/page.html", "text/html; charset=utf-8", "<!doctype html>\n<p>page</p>\n"],
    ["/site/lib.js", "text/javascript; charset=utf-8", "export const x = 1;\n"],
    ["/site/app/", "text/html; charset=utf-8", "<p>app</p>\n"],
    ["/site/data.bin", "application/octet-stream", "bytes\n"],
  ];
  for (const [path, type, body] of cases) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get("content-type"), type, path);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await response.text(), body, path);
  }
  const head = await get("/site/page.html", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
  const post = await get("/site/page.html", { method: "POST", body: "x" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
  await post.body?.cancel();
  const bare = await get("/site");
  assert.equal(bare.status, 308);
  assert.equal(bare.headers.get("location"), "/site/");
});

Deno.test("no path outside a mounted directory is ever served", async () => {
  const attempts = [
    "/site/../secret.txt",
    "/site/%2e%2e/secret.txt",
    "/site/..%2fsecret.txt",
    "/site/..%2Fsecret.txt",
    "/site/..%5csecret.txt",
    "/site/%2e%2e%2fsecret.txt",
    "/site/app/..%2f..%2fsecret.txt",
    "/site/%252e%252e/secret.txt",
    "/site/.env",
    "/site/%2eenv",
    "/site/link.txt",
    "/site/page.html%00",
    "/site/%E0%A4%A",
    "/site/missing.html",
  ];
  for (const path of attempts) {
    const response = await get(path);
    const body = await response.text();
    assert.equal(response.status, 404, `${path} answered ${response.status}`);
    assert.ok(!body.includes(SECRET), `${path} leaked the secret`);
  }
});

Deno.test("the stack's gateway serves the test pages and refuses raw traversal", async () => {
  const env = await loadStackEnv();
  const page = await fetch(`${env.apiUrl}/test-pages/tracker.html`);
  assert.equal(page.status, 200, "scripts/stack mounts tests/browser/pages at /test-pages/");
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await page.text(), /tracker_driver\.js/);

  // fetch() would normalise "..": send the request line as it is.
  const { hostname, port } = new URL(env.apiUrl);
  for (const target of ["/test-pages/../../deno.json", "/test-pages/..%2f..%2f..%2fdeno.json"]) {
    const connection = await Deno.connect({ hostname, port: Number(port) });
    const request = `GET ${target} HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\n\r\n`;
    await connection.write(new TextEncoder().encode(request));
    const answer = await new Response(connection.readable).text();
    assert.match(answer, /^HTTP\/1\.1 404/, `${target}: ${answer.split("\r\n")[0]}`);
    assert.ok(!answer.includes('"workspace"'), `${target} served deno.json`);
  }
});
