/**
 * What a refused batch costs the database next to a stored one: WAL bytes (from
 * `pg_current_wal_insert_lsn()`) and Postgres CPU (every process of this stack's server, from
 * /proc) per batch of 500, through the function and through direct PostgREST inserts; then a
 * bystander's single-event latency while a spent user hammers with refused batches.
 *
 * The "early check off" rows disable the early checks (the trigger refuse_spent_ingest and the
 * db-pre-request's ingest check), so that the statement-end limiter refuses after the rows are
 * written: the cost the early checks remove. Whatever happens, both are restored at the end.
 *
 * @example
 * ```sh
 * scripts/bench --refused --stored 40 --refused-batches 200 --seconds 5
 * ```
 */
import { parseArgs } from "node:util";
import { openFixtures } from "../../tests/support/fixtures.ts";
import {
  cpuBetween,
  headersFor,
  liftIngestLimits,
  makeBatch,
  makeEvent,
  makeUsers,
  quantile,
  sampleCpu,
  type SimUser,
  stackPids,
  timedPost,
} from "./workload.ts";

const { values: args } = parseArgs({
  args: Deno.args.filter((arg) => arg !== "--refused"),
  options: {
    stored: { type: "string", default: "40" },
    "refused-batches": { type: "string", default: "200" },
    seconds: { type: "string", default: "5" },
    hammers: { type: "string", default: "4" },
  },
});
const storedBatches = Number(args.stored);
const refusedBatches = Number(args["refused-batches"]);
const seconds = Number(args.seconds);
const hammers = Number(args.hammers);
const BATCH = 500;

const db = await openFixtures();
const env = db.env;
const runDir = new URL("../../.stack/run/", import.meta.url);
type Side = "function" | "direct";

// The early checks are the trigger refuse_spent_ingest and the db-pre-request's ingest check;
// "off" keeps the pre-request's count check (pgrst_hooks.refuse_statistics_counts) alone.
let earlyCheck = true;
async function setEarlyCheck(enabled: boolean): Promise<void> {
  if (enabled === earlyCheck) return;
  const action = enabled ? "enable" : "disable";
  const preRequest = enabled ? "check_request" : "refuse_statistics_counts";
  await db.sql.unsafe(`
    alter table public.analytics_events ${action} trigger refuse_spent_ingest;
    alter role authenticator set pgrst.db_pre_request = 'pgrst_hooks.${preRequest}';
    notify pgrst, 'reload config';
  `);
  // PostgREST reloads its configuration asynchronously, within milliseconds here.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  earlyCheck = enabled;
}
Deno.addSignalListener("SIGINT", async () => {
  await setEarlyCheck(true);
  Deno.exit(130);
});

/** The request each side makes for a batch, as bench.ts makes it (supabase-js's for direct). */
function batchRequest(side: Side, user: SimUser): [string, Record<string, string>, string] {
  const events = makeBatch(user, BATCH).map((event) => ({ ...event, job_id: null }));
  if (side === "function") {
    return [
      `${env.apiUrl}/functions/v1/track-event`,
      headersFor(env, user.token),
      JSON.stringify({ events }),
    ];
  }
  return [
    `${env.apiUrl}/rest/v1/analytics_events?columns=${Object.keys(events[0]).join(",")}`,
    headersFor(env, user.token, { prefer: "return=minimal" }),
    JSON.stringify(events),
  ];
}

async function walLsn(): Promise<string> {
  const [row] = await db.sql`select pg_current_wal_insert_lsn()::text as lsn`;
  return row.lsn;
}

interface Cost {
  batches: number;
  walBytes: number;
  postgresMs: number;
  stackMs: number;
}

/** Posts `count` batches one after another; every answer must be `expected`. */
async function measure(side: Side, user: SimUser, count: number, expected: number): Promise<Cost> {
  const requests = Array.from({ length: count }, () => batchRequest(side, user));
  const lsnBefore = await walLsn();
  const cpuBefore = await sampleCpu(await stackPids(runDir));
  for (const [url, headers, body] of requests) {
    const result = await timedPost(url, headers, body);
    if (result.status !== expected) {
      throw new Error(
        `${side}: expected ${expected}, got ${result.status} ${result.body.slice(0, 200)}`,
      );
    }
  }
  const cpu = cpuBetween(cpuBefore, await sampleCpu(await stackPids(runDir)));
  const [wal] = await db
    .sql`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${lsnBefore}::pg_lsn)::bigint as bytes`;
  return {
    batches: count,
    walBytes: Number(wal.bytes),
    postgresMs: cpu.postgres,
    stackMs: cpu.postgres + cpu.postgrest + cpu.function + cpu.gateway,
  };
}

/** Single events from the bystander, one after another, for `ms`. */
async function bystanderP50(user: SimUser, ms: number): Promise<{ p50: number; count: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  for (let n = 0; performance.now() < deadline; n++) {
    const result = await timedPost(
      `${env.apiUrl}/functions/v1/track-event`,
      headersFor(env, user.token),
      JSON.stringify({ ...makeEvent(user, n), job_id: null }),
    );
    if (result.status === 201) latencies.push(result.ms);
  }
  return { p50: quantile(latencies, 0.5), count: latencies.length };
}

/** The bystander's p50 while `hammers` loops post refused batches from `spent`, both sides. */
async function underHammer(bystander: SimUser, spent: SimUser) {
  let stop = false;
  let refused = 0;
  const loops = Array.from({ length: hammers }, async (_, i) => {
    const side: Side = i % 2 ? "direct" : "function";
    while (!stop) {
      const [url, headers, body] = batchRequest(side, spent);
      if ((await timedPost(url, headers, body)).status === 429) refused++;
    }
  });
  const lsnBefore = await walLsn();
  const result = await bystanderP50(bystander, seconds * 1000);
  stop = true;
  await Promise.all(loops);
  const [wal] = await db
    .sql`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${lsnBefore}::pg_lsn)::bigint as bytes`;
  return { ...result, refused, walMb: Number(wal.bytes) / 1e6 };
}

try {
  console.log(
    "setting up users: a storer and a bystander without limit, spent users at 0.001 events/s",
  );
  const [storer, bystander, spentUser, spentOld] = await makeUsers(db, 4, 0);
  await liftIngestLimits(db, [storer, bystander]);
  for (const user of [spentUser, spentOld]) {
    await db.setIngestLimit(user.id, { eventsPerSecond: 0.001, burst: BATCH });
    await measure("direct", user, 1, 201);
  }
  // Warm-up: JIT, connections and prepared statements are not billed to the first phase.
  for (const side of ["function", "direct"] as const) await measure(side, storer, 5, 201);
  await bystanderP50(bystander, 1000);

  const rows: [string, Cost][] = [];
  for (const side of ["function", "direct"] as const) {
    rows.push([`${side}, refused`, await measure(side, spentUser, refusedBatches, 429)]);
    await setEarlyCheck(false);
    rows.push([
      `${side}, refused, early check off`,
      await measure(side, spentOld, storedBatches, 429),
    ]);
    await setEarlyCheck(true);
    rows.push([`${side}, stored`, await measure(side, storer, storedBatches, 201)]);
  }

  const alone = await bystanderP50(bystander, seconds * 1000);
  const hammered = await underHammer(bystander, spentUser);
  await setEarlyCheck(false);
  const hammeredOld = await underHammer(bystander, spentOld);
  await setEarlyCheck(true);

  const per = (cost: Cost, value: number) => value / cost.batches;
  console.log(
    `\nper batch of ${BATCH} events, sequential; ${storedBatches} stored, ${refusedBatches} refused:\n`,
  );
  console.log(
    "| batches | WAL KB per batch | Postgres CPU ms per batch | stack CPU ms per batch |",
  );
  console.log("| --- | ---: | ---: | ---: |");
  for (const [label, cost] of rows) {
    console.log(
      `| ${label} | ${(per(cost, cost.walBytes) / 1000).toFixed(2)} | ${
        per(cost, cost.postgresMs).toFixed(2)
      } | ${per(cost, cost.stackMs).toFixed(2)} |`,
    );
  }
  console.log("\nrefused / stored, same side, same run:\n");
  for (const side of ["function", "direct"]) {
    const refused = rows.find(([label]) => label === `${side}, refused`)![1];
    const stored = rows.find(([label]) => label === `${side}, stored`)![1];
    const ratio = (f: (c: Cost) => number) =>
      `${(100 * per(refused, f(refused)) / per(stored, f(stored))).toFixed(2)} %`;
    console.log(
      `${side}: WAL ${ratio((c) => c.walBytes)}, Postgres CPU ${
        ratio((c) => c.postgresMs)
      }, stack CPU ${ratio((c) => c.stackMs)}`,
    );
  }
  console.log(
    `\nbystander single events through the function, ${seconds} s each, ${hammers} hammering loops:`,
  );
  console.log(`alone: p50 ${alone.p50.toFixed(1)} ms (${alone.count} events)`);
  for (
    const [label, run] of [["early check on", hammered], ["early check off", hammeredOld]] as const
  ) {
    console.log(
      `hammered, ${label}: p50 ${
        run.p50.toFixed(1)
      } ms (${run.count} events); ${run.refused} refused batches, ${
        run.walMb.toFixed(1)
      } MB of WAL`,
    );
  }
} finally {
  await setEarlyCheck(true);
  await db.close();
}
