/**
 * Cold start: how long a new function process takes to give its first answer, against an empty
 * `Deno.serve` started the same way, in one interleaved run (empty, OPTIONS, POST, empty, ...), so
 * the machine's noise hits every side alike.
 *
 * - "first 204 OPTIONS": from spawn to the first answered CORS preflight (no token, no database);
 * - "first 201 POST": from spawn to the first stored event (token verification, ownership check,
 *   insert through PostgREST: every lazy path of a real request).
 *
 * The clock starts before the spawn and stops at the answer, polling the port every millisecond.
 * `--entry label=path` (repeatable) compares other entry points of the function in the same run,
 * e.g. a bundle; by default the one entry is `supabase/functions/track-event/index.ts`. Flags after
 * the path are added to that entry's `deno run` (`--entry "nocache=index.ts --no-code-cache"`).
 *
 * @example
 * ```sh
 * scripts/bench --cold-start --runs 15
 * scripts/bench --cold-start --entry graph=supabase/functions/track-event/index.ts --entry bundle=/tmp/track_event.js
 * ```
 */
import { parseArgs } from "node:util";
import { openFixtures } from "../../tests/support/fixtures.ts";
import { quantile } from "./workload.ts";

const { values: args } = parseArgs({
  args: Deno.args.filter((arg) => arg !== "--cold-start"),
  options: {
    runs: { type: "string", default: "15" },
    port: { type: "string", default: "32399" },
    entry: { type: "string", multiple: true },
  },
});
const runs = Number(args.runs);
const port = Number(args.port);
const root = new URL("../../", import.meta.url).pathname;
const deno = Deno.execPath();
// `label=path`, optionally followed by extra `deno run` flags: `nocache=index.ts --no-code-cache`.
const entries = (args.entry ?? ["track-event=supabase/functions/track-event/index.ts"]).map(
  (spec) => {
    const [label, rest] = spec.includes("=") ? spec.split(/=(.*)/s, 2) : ["track-event", spec];
    const [path, ...extraFlags] = rest.trim().split(/\s+/);
    return { label, path: path.startsWith("/") ? path : `${root}${path}`, extraFlags };
  },
);
const emptyEntry = `${root}scripts/load/empty_serve.ts`;
// The stack's own flags for the function (scripts/lib/services.sh), so the numbers are its numbers.
const flags = [
  "run",
  "--cached-only",
  "--allow-net=127.0.0.1",
  "--allow-env",
  "--v8-flags=--max-semi-space-size=16,--max-old-space-size=160",
  `--config=${root}deno.json`,
];

const db = await openFixtures();
const user = await db.createUser("coldstart");
const job = await db.createJob(user.id);
const env = {
  SUPABASE_URL: db.env.apiUrl,
  SUPABASE_ANON_KEY: db.env.anonKey,
  JWT_SECRET: db.env.jwtSecret,
  DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
};
const url = `http://127.0.0.1:${port}/track-event`;

type Probe = () => Promise<number | null>;
const options: Probe = async () => {
  const response = await fetch(url, { method: "OPTIONS" });
  await response.body?.cancel();
  return response.status;
};
const post: Probe = async () => {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}`, "content-type": "application/json" },
    body: JSON.stringify({ event: "cold_start", job_id: job }),
  });
  await response.body?.cancel();
  return response.status;
};

/** Spawns `entry`, polls with `probe` until it answers, returns the ms from spawn and the status. */
async function timeToFirstAnswer(
  entry: string,
  probe: Probe,
  extraFlags: string[] = [],
): Promise<[number, number]> {
  const started = performance.now();
  const child = new Deno.Command(deno, {
    args: [...flags, ...extraFlags, entry],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    while (performance.now() - started < 30_000) {
      const status = await probe().catch(() => null);
      if (status !== null) return [performance.now() - started, status];
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    throw new Error(`${entry} did not answer within 30 s`);
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

const sides: Record<
  string,
  { entry: string; probe: Probe; expect: number; extraFlags?: string[] }
> = {
  "empty Deno.serve, first answer": { entry: emptyEntry, probe: options, expect: 204 },
};
for (const { label, path, extraFlags } of entries) {
  sides[`${label}, first 204 OPTIONS`] = { entry: path, probe: options, expect: 204, extraFlags };
  sides[`${label}, first 201 POST`] = { entry: path, probe: post, expect: 201, extraFlags };
}
const times: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
try {
  console.log(`cold start: ${runs} interleaved runs of each side on port ${port}`);
  for (let run = 0; run <= runs; run++) {
    for (const [name, side] of Object.entries(sides)) {
      const [ms, status] = await timeToFirstAnswer(side.entry, side.probe, side.extraFlags);
      if (status !== side.expect) throw new Error(`${name}: answered ${status}`);
      if (run > 0) times[name].push(ms); // run 0 warms the module cache and the page cache
    }
  }
} finally {
  await db.sql`delete from auth.users where id = ${user.id}`;
  await db.close();
}

const baseline = quantile(times["empty Deno.serve, first answer"], 0.5);
console.log("\n| program | median (ms) | p90 (ms) | median ÷ empty Deno.serve |");
console.log("| --- | --- | --- | --- |");
for (const [name, values] of Object.entries(times)) {
  const median = quantile(values, 0.5);
  console.log(
    `| ${name} | ${median.toFixed(0)} | ${quantile(values, 0.9).toFixed(0)} | ${
      (median / baseline).toFixed(2)
    }x |`,
  );
}
