// The tracker's timers never hold a Deno process open: a script that tracks against a wrong URL
// and never closes the tracker still exits by itself. (That an awaited flush() holds a Node
// process open is checked by pack_check.ts: Deno itself waits for a pending top-level await.)
import assert from "node:assert/strict";

/** Runs `body` in a child Deno with a tracker on a URL that answers 404; returns its output. */
async function runChild(body: string) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ code: "NOT_FOUND", message: "Function not found" }, { status: 404 }),
  );
  const script = `
    import { createTracker } from ${
    JSON.stringify(new URL("../src/index.ts", import.meta.url).href)
  };
    const tracker = createTracker({
      url: "http://127.0.0.1:${server.addr.port}/functions/v1/track-evnet",
      apiKey: "anon",
      getAccessToken: async () => "h.eyJzdWIiOiJ1In0.s",
      flushIntervalMs: 10,
      onError: (e) => console.log(e.code, e.status),
    });
    ${body}
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--no-lock", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    const { code, stdout, stderr } = await child.output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code, out: decode(stdout), err: decode(stderr) };
  } finally {
    clearTimeout(killer);
    await server.shutdown();
  }
}

Deno.test("a Deno process with a tracker retrying a 404 exits on its own", async () => {
  const { code, out, err } = await runChild(`
    tracker.track("e");
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first answer arrives
  `);
  assert.equal(code, 0, `the process did not exit by itself: ${err}`);
  assert.match(out, /unexpected_response 404/, "it did meet the 404");
});
