/**
 * `deno task pack-check`: packs the package with `npm pack`, installs the tarball into an empty
 * npm project, and runs it under Node: a tracker sends one event to a local server and flushes.
 * Fails when the tarball misses a file (the bundle, its types, the README or the LICENSE), the
 * exports map is wrong, or the bundle needs anything this Node does not have. Run after
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

const SMOKE = `
import http from "node:http";
import { createTracker } from "@track-event/client";
const received = [];
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => body += chunk);
  req.on("end", () => {
    received.push({ apikey: req.headers.apikey, body: JSON.parse(body) });
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ accepted: 1, duplicates: 0, events: [{ status: "created" }] }));
  });
});
server.listen(0, "127.0.0.1", async () => {
  const tracker = createTracker({
    url: "http://127.0.0.1:" + server.address().port + "/functions/v1/track-event",
    apiKey: "anon",
    getAccessToken: async () => "h.eyJzdWIiOiJ1In0.s",
  });
  const id = tracker.track("pack_check", { properties: { node: process.version } });
  const flushed = await tracker.flush({ timeoutMs: 10000 });
  await tracker.close();
  server.close();
  const ok = flushed && received.length === 1 && received[0].apikey === "anon" &&
    received[0].body.events[0].event_id === id;
  console.log(ok ? "node " + process.version + ": sent and acknowledged " + id : "FAILED");
  process.exit(ok ? 0 : 1);
});
`;

try {
  const tarball = (await run("npm", ["pack", "--pack-destination", work, "--silent"], root)).trim();
  const listed = await run("tar", ["-tzf", `${work}/${tarball}`], work);
  for (
    const file of ["README.md", "LICENSE", "package.json", "dist/track-event.js", "dist/index.d.ts"]
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
  await Deno.writeTextFile(`${app}/smoke.mjs`, SMOKE);
  console.log(`${tarball}: ${(await run("node", ["smoke.mjs"], app)).trim()}`);
} finally {
  await Deno.remove(work, { recursive: true });
}
