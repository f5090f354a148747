/**
 * Times the dashboard's reads (`apps/dashboard/src/queries.ts`) as one user, through the API
 * gateway and PostgREST with that user's token, as the dashboard makes them with supabase-js: its
 * first page of jobs, the stages of those jobs, a range's figures and trend (`--days`, default 30,
 * ending now) and the latest events; and the all-time summary view, which other readers use. The reads run one at a time, in turn, after a
 * warm-up; the first (cold) read of each is reported apart. Prints a Markdown table: rows
 * returned, first read, p50, p99 and max in milliseconds; with `--json`, one JSON line of p50s.
 *
 * `scripts/bench-db` runs it after loading 1M events; by hand, with the stack running:
 *
 * ```sh
 * tools/node_modules/deno/deno run --allow-net=127.0.0.1 --allow-env --allow-read --allow-run \
 *   scripts/load/read_bench.ts --user <uuid> --reads 200 --days 30
 * ```
 *
 * With `--other-api <url> --other-user <uuid>`, the same reads also go to a second stack (another
 * database behind its own gateway and PostgREST, with the same keys) as that stack's user, each read
 * in turn on both (A B, B A, ...), so that both share whatever else the machine is doing; `--json`
 * then prints `{ p50_ms, rows, other: { p50_ms, rows } }`. `scripts/bench-db --rollups` reads a 1M
 * event database this way beside the 10M one.
 *
 * Exits non-zero when a read fails or the user has no jobs (a user without data, or a stack whose
 * PostgREST serves another database).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../../supabase/functions/_shared/database.types.ts";
import { signUserToken } from "../../tests/support/fixtures.ts";
import { loadStackEnv } from "../../tests/support/stack_env.ts";
import {
  DASHBOARD_QUERIES,
  type DashboardClient,
  jobsPage,
  type ReadScope,
} from "../../apps/dashboard/src/queries.ts";
import { startOfUtcDay } from "../../apps/dashboard/src/view_state.ts";

const { values: args } = parseArgs({
  options: {
    user: { type: "string" },
    "other-api": { type: "string" },
    "other-user": { type: "string" },
    reads: { type: "string", default: "200" },
    warmup: { type: "string", default: "5" },
    days: { type: "string", default: "30" },
    json: { type: "boolean", default: false },
  },
});
if (!args.user) throw new Error("--user <uuid> is required: the user whose dashboard is read");
if (!args["other-api"] !== !args["other-user"]) {
  throw new Error("--other-api and --other-user go together: the second stack and its user");
}
const reads = Number(args.reads);
const warmup = Number(args.warmup);

const env = await loadStackEnv();

/** The page's reads, and the all-time summary view (the contract's, no longer on the page). */
const QUERIES = {
  ...DASHBOARD_QUERIES,
  stage_summary: (client: DashboardClient) =>
    client.from("stage_latency_summary")
      .select("stage, completed_count, failed_count, running_count, p50_ms, p95_ms")
      .order("stage"),
} as const;

type Name = keyof typeof QUERIES;
const names = Object.keys(QUERIES) as Name[];

interface Target {
  user: string;
  client: DashboardClient;
  scope: ReadScope;
  first: Map<Name, number>;
  samples: Map<Name, number[]>;
  rows: Map<Name, number>;
}

/** A stack and its user, with what the dashboard's first page shows them, as the page asks for it. */
async function target(apiUrl: string, user: string): Promise<Target> {
  const token = await signUserToken(env.jwtSecret, { sub: user });
  const client = createClient<Database>(apiUrl, env.anonKey, {
    accessToken: () => Promise.resolve(token),
  });
  const firstPage = await jobsPage(client, 1);
  if (firstPage.error) throw new Error(`jobs_page failed: ${firstPage.error.message}`);
  const until = new Date();
  const since = new Date(until.getTime() - Number(args.days) * 86_400_000);
  return {
    user,
    client,
    scope: {
      page: 1,
      jobIds: (firstPage.data ?? []).map((job) => job.id),
      since,
      until,
      firstDay: startOfUtcDay(since),
    },
    first: new Map(),
    samples: new Map(names.map((name) => [name, []])),
    rows: new Map(),
  };
}

/** One read, timed from the call to the parsed rows, as the dashboard would wait for it. */
async function timedRead(on: Target, name: Name): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const { data, error } = await QUERIES[name](on.client, on.scope);
  const ms = performance.now() - started;
  if (error) throw new Error(`${name} failed: ${error.code} ${error.message}`);
  // A single row (the job count) is one row; none when the user has no row.
  const rows = Array.isArray(data) ? data.length : data ? 1 : 0;
  // A range may hold no run for a light user; the page of jobs and its count never may.
  if ((name === "jobs_page" || name === "job_count") && !rows) {
    throw new Error(`${name} returned no rows: does user ${on.user} have events in this stack?`);
  }
  return { ms, rows };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

const targets = [await target(env.apiUrl, args.user)];
if (args["other-api"]) targets.push(await target(args["other-api"], args["other-user"]!));
for (let round = 0; round < warmup + reads; round++) {
  for (const name of names) {
    // A B, then B A: neither stack always goes first
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const on of order) {
      const { ms, rows: count } = await timedRead(on, name);
      if (round === 0) on.first.set(name, ms);
      if (round >= warmup) on.samples.get(name)!.push(ms);
      on.rows.set(name, count);
    }
  }
}

const ms = (value: number) => value.toFixed(1);
const p50s = (on: Target) =>
  Object.fromEntries(
    names.map((name) => [name, percentile(on.samples.get(name)!.sort((a, b) => a - b), 0.5)]),
  );
if (args.json) {
  const [main, other] = targets;
  const json = { p50_ms: p50s(main), rows: Object.fromEntries(main.rows) };
  console.log(JSON.stringify(
    other
      ? { ...json, other: { p50_ms: p50s(other), rows: Object.fromEntries(other.rows) } }
      : json,
  ));
}
for (const on of targets) {
  if (targets.length > 1) console.log(`\n${on === targets[0] ? env.apiUrl : args["other-api"]}:`);
  console.log(`| query | rows | first read ms | p50 ms | p99 ms | max ms |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: |`);
  let slowest = 0;
  for (const name of names) {
    const sorted = on.samples.get(name)!.sort((a, b) => a - b);
    const p50 = percentile(sorted, 0.5);
    slowest = Math.max(slowest, p50);
    console.log(
      `| ${name} | ${on.rows.get(name)} | ${ms(on.first.get(name)!)} | ${ms(p50)} | ` +
        `${ms(percentile(sorted, 0.99))} | ${ms(sorted[sorted.length - 1])} |`,
    );
  }
  console.log(
    `\n${reads} timed reads of each query after ${warmup} warm-up rounds; ` +
      `p50 target < 50 ms: ${slowest < 50 ? "met" : "NOT MET"} (slowest p50 ${ms(slowest)} ms)`,
  );
}
