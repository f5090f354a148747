/**
 * `deno task pack-check`: packs the package with `npm pack`, installs the tarball into an empty
 * npm project, and runs it under Node: a tracker from each entry point (`@track-event/client` and
 * `@track-event/client/analytics`) sends one event to a local server and flushes.
 * Fails when the tarball misses a file (the bundles, their types, the README or the LICENSE), the
 * exports map is wrong, or the bundle needs anything Node 18+ does not have. A second script
 * leaves a tracker retrying a dead URL and never closes it: Node must still exit by itself, since
 * the SDK's timers are unref'd. Run after
 * `deno task build`.
 *
 * @module
 */
const root = new URL(".", import.meta.url).pathname;
const work = await Deno.makeTempDir({ prefix: "track-event-pack-" });

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed:\n${text}${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

/**
 * One event through a local server under Node, from the core entry point or from
 * `@track-event/client/analytics` (then with a super property, and the library and a session in
 * its context).
 */
const smoke = (analytics: boolean) => `
import http from "node:http";
import { ${
  analytics ? "createAnalytics as createTracker" : "createTracker"
} } from "@track-event/client${analytics ? "/analytics" : ""}";
const received = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => body += chunk);
  req.on("end", () => {
    const parsed = JSON.parse(body);
    received.push({ apikey: req.headers.apikey, body: parsed });
    res.writeHead(201, { "content-type": "application/json" });
    const events = parsed.events.map((e) => ({ event_id: e.event_id, status: "created" }));
    res.end(JSON.stringify({ accepted: events.length, duplicates: 0, events }));
  });
});
server.listen(0, "127.0.0.1", async () => {
  const tracker = createTracker({
    url: "http://127.0.0.1:" + server.address().port + "/functions/v1/track-event",
    apiKey: "anon",
    getAccessToken: async () => "h.eyJzdWIiOiJ1In0.s",
  });
  ${analytics ? 'tracker.register({ plan: "pro" });' : ""}
  const id = tracker.track("pack_check", { properties: { node: process.version } });
  const flushed = await tracker.flush({ timeoutMs: 10000 });
  await tracker.close();
  server.close();
  const sent = received[0]?.body.events[0];
  const ok = flushed && received.length === 1 && received[0].apikey === "anon" &&
    sent.event_id === id${
  analytics
    ? ' && sent.properties.plan === "pro" &&\n    sent.context.library.name === "@track-event/client" && typeof sent.context.session_id === "string"'
    : ""
};
  console.log(ok ? "node " + process.version + ": ${
  analytics ? "analytics " : ""
}sent and acknowledged " + id : "FAILED " + JSON.stringify(sent));
  process.exit(ok ? 0 : 1);
});
`;

// Port 9 (discard) refuses the connection: the tracker backs off and retries for ever.
const LEFT_RUNNING = `
import { createTracker } from "@track-event/client";
const tracker = createTracker({
  url: "http://127.0.0.1:9/functions/v1/track-evnet",
  apiKey: "anon",
  getAccessToken: async () => "h.eyJzdWIiOiJ1In0.s",
  flushIntervalMs: 10,
});
tracker.track("left_running");
if (process.argv[2] === "flush") {
  // Awaited at the top level: the flush's own timer must hold Node open until its timeout.
  console.log("flushed " + await tracker.flush({ timeoutMs: 500 }));
} else setTimeout(() => console.log("queued " + tracker.stats().queued + ", not closed"), 300);
`;

try {
  const tarball = (await run("npm", ["pack", "--pack-destination", work, "--silent"], root)).trim();
  const listed = await run("tar", ["-tzf", `${work}/${tarball}`], work);
  for (
    const file of [
      "README.md",
      "LICENSE",
      "package.json",
      "dist/track-event.js",
      "dist/index.d.ts",
      "dist/track-event-analytics.js",
      "dist/analytics_entry.d.ts",
    ]
  ) {
    if (!listed.split("\n").includes(`package/${file}`)) {
      throw new Error(`${tarball} lacks ${file}`);
    }
  }
  const app = `${work}/app`;
  await Deno.mkdir(app);
  await Deno.writeTextFile(
    `${app}/package.json`,
    '{ "name": "app", "private": true, "type": "module" }',
  );
  await run("npm", ["install", "--no-audit", "--no-fund", "--silent", `${work}/${tarball}`], app);
  for (const analytics of [false, true]) {
    await Deno.writeTextFile(`${app}/smoke.mjs`, smoke(analytics));
    console.log(`${tarball}: ${(await run("node", ["smoke.mjs"], app)).trim()}`);
  }
  await Deno.writeTextFile(`${app}/left_running.mjs`, LEFT_RUNNING);
  for (const [mode, expected] of [["leave", "queued 1"], ["flush", "flushed false"]]) {
    const started = Date.now();
    const exited = await new Deno.Command("node", {
      args: ["left_running.mjs", mode],
      cwd: app,
      stdout: "piped",
      signal: AbortSignal.timeout(15_000),
    }).output();
    const said = new TextDecoder().decode(exited.stdout).trim();
    if (!exited.success || !said.startsWith(expected)) {
      throw new Error(
        `node left_running.mjs ${mode}: exit ${exited.code}, said "${said}", expected "${expected}"`,
      );
    }
    console.log(`node exited by itself ${Date.now() - started} ms after start (${said})`);
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
