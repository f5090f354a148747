/**
 * What a refused batch costs next to a stored one: WAL bytes (`pg_current_wal_insert_lsn()`
 * diffs) and CPU (from /proc: Postgres's backends serving PostgREST, and the whole stack) per
 * batch of 500, through the function and through direct PostgREST inserts; then a bystander's
 * single-event latency while a spent user posts refused batches at a fixed rate.
 *
 * - "refused" batches come each from a different spent user, so that every one reaches the
 *   database (the function remembers a 429 per user); "remembered" ones repeat one user, whom
 *   the function refuses itself until the Retry-After.
 * - "checks off" rows disable the early checks (the trigger refuse_spent_ingest, and the
 *   db-pre-request's ingest check), so that the statement-end limiter refuses after the rows
 *   are written: the cost those checks remove. Whatever happens, both are restored at the end.
 *
 * @example
 * ```sh
 * scripts/bench --refused --stored 40 --refused-batches 300 --seconds 10 --hammer-rate 40
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
    "refused-batches": { type: "string", default: "300" },
    seconds: { type: "string", default: "10" },
    "hammer-rate": { type: "string", default: "40" },
  },
});
const storedBatches = Number(args.stored);
const refusedBatches = Number(args["refused-batches"]);
const seconds = Number(args.seconds);
const hammerRate = Number(args["hammer-rate"]);
const BATCH = 500;
const SIDES = ["function", "direct"] as const;
type Side = typeof SIDES[number];

const db = await openFixtures();
const env = db.env;
const runDir = new URL("../../.stack/run/", import.meta.url);

let earlyChecks = true;
async function setEarlyChecks(enabled: boolean): Promise<void> {
  if (enabled === earlyChecks) return;
  // "Off" keeps the pre-request's count check alone.
  const preRequest = enabled ? "check_request" : "refuse_statistics_counts";
  await db.sql.unsafe(`
    alter table public.analytics_events ${
    enabled ? "enable" : "disable"
  } trigger refuse_spent_ingest;
    alter role authenticator set pgrst.db_pre_request = 'pgrst_hooks.${preRequest}';
    notify pgrst, 'reload config';
  `);
  // PostgREST reloads its configuration asynchronously, within milliseconds here.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  earlyChecks = enabled;
}
Deno.addSignalListener("SIGINT", async () => {
  await setEarlyChecks(true);
  Deno.exit(130);
});

/** Users whose burst of 500 is spent, refilled at one event per 1,000 s. */
async function spentUsers(count: number): Promise<SimUser[]> {
  const users = await makeUsers(db, count, 0);
  const ids = users.map((user) => user.id);
  await db.sql`
    insert into private.ingest_limits (user_id, events_per_second, burst)
    select id, 0.001, ${BATCH} from unnest(${ids}::uuid[]) as id`;
  await db.sql`
    insert into private.ingest_limiter_state (user_id, burst_used, measured_at)
    select id, ${BATCH}, now() from unnest(${ids}::uuid[]) as id`;
  return users;
}

/** The request each side makes for a batch: the function's, or supabase-js's `insert(rows)`. */
function batchRequest(side: Side, user: SimUser): [string, Record<string, string>, string] {
  const events = makeBatch(user, BATCH).map((event) => ({ ...event, job_id: null }));
  if (side === "function") {
    const url = `${env.apiUrl}/functions/v1/track-event`;
    return [url, headersFor(env, user.token), JSON.stringify({ events })];
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

async function walBytesSince(lsn: string): Promise<number> {
  const [row] = await db.sql`
    select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${lsn}::pg_lsn)::bigint as bytes`;
  return Number(row.bytes);
}

/**
 * The stack's pids, with Postgres narrowed to the backends serving PostgREST: the work of the
 * requests, without autovacuum or the checkpointer, whose timing is their own.
 */
async function requestPids(): Promise<Record<string, number[]>> {
  const backends = await db.sql`select pid from pg_stat_activity where usename = 'authenticator'`;
  return { ...await stackPids(runDir), postgres: backends.map((row) => row.pid) };
}

interface Cost {
  walKb: number;
  postgresMs: number;
  stackMs: number;
}

/** Posts one batch per user in `users`, one after another; each answer must be `expected`. */
async function costPerBatch(side: Side, users: SimUser[], expected: number): Promise<Cost> {
  const requests = users.map((user) => batchRequest(side, user));
  const lsn = await walLsn();
  const cpuBefore = await sampleCpu(await requestPids());
  for (const [url, headers, body] of requests) {
    const result = await timedPost(url, headers, body);
    if (result.status !== expected) {
      throw new Error(`${side}: expected ${expected}, got ${result.status} ${result.body}`);
    }
  }
  const cpu = cpuBetween(cpuBefore, await sampleCpu(await requestPids()));
  const n = users.length;
  // Vacuum and analyze what a phase stored now, not during the next phase.
  if (expected === 201) await db.sql`vacuum (analyze) public.analytics_events`;
  return {
    walKb: await walBytesSince(lsn) / 1000 / n,
    postgresMs: cpu.postgres / n,
    stackMs: (cpu.postgres + cpu.postgrest + cpu.function + cpu.gateway) / n,
  };
}

/** Single events from the bystander, one after another, for `ms`: their p50. */
async function bystanderP50(user: SimUser, ms: number): Promise<{ p50: number; count: number }> {
  const latencies: number[] = [];
  const deadline = performance.now() + ms;
  for (let n = 0; performance.now() < deadline; n++) {
    const body = JSON.stringify({ ...makeEvent(user, n), job_id: null });
    const result = await timedPost(
      `${env.apiUrl}/functions/v1/track-event`,
      headersFor(env, user.token),
      body,
    );
    if (result.status === 201) latencies.push(result.ms);
  }
  return { p50: quantile(latencies, 0.5), count: latencies.length };
}

/**
 * The bystander's p50 while refused batches arrive at `hammerRate` a second, alternately through
 * the function and directly, from `senderFor(i)`: an open loop, so that every run faces the same
 * load however cheap a refusal is. At most 32 are in flight; the rest are skipped and counted.
 */
async function underHammer(bystander: SimUser, senderFor: (i: number) => SimUser) {
  let stop = false;
  const counts = { sent: 0, refused: 0, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const hammer = (async () => {
    for (let i = 0; !stop; i++) {
      const due = started + i * 1000 / hammerRate;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      if (inFlight.size >= 32) {
        counts.skipped++;
        continue;
      }
      const [url, headers, body] = batchRequest(i % 2 ? "direct" : "function", senderFor(i));
      counts.sent++;
      const request = timedPost(url, headers, body).then((result) => {
        if (result.status === 429) counts.refused++;
      });
      inFlight.add(request);
      request.finally(() => inFlight.delete(request));
    }
  })();
  const lsn = await walLsn();
  const result = await bystanderP50(bystander, seconds * 1000);
  stop = true;
  await hammer;
  await Promise.all(inFlight);
  return { ...result, ...counts, walMb: await walBytesSince(lsn) / 1e6 };
}

try {
  const hammerBatches = Math.ceil(hammerRate * seconds) + 64;
  console.log(`setting up ${refusedBatches + storedBatches + hammerBatches + 1} spent users`);
  const [storer, bystander] = await makeUsers(db, 2, 0);
  await liftIngestLimits(db, [storer, bystander]);
  const refusing = await spentUsers(refusedBatches);
  const refusingLate = await spentUsers(storedBatches);
  const [hammerer, ...hammerPool] = await spentUsers(1 + hammerBatches);
  const repeat = (user: SimUser, n: number) => Array.from({ length: n }, () => user);

  // Warm-up: JIT, connections and prepared statements are not billed to the first phase.
  for (const side of SIDES) await costPerBatch(side, repeat(storer, 5), 201);
  await bystanderP50(bystander, 1000);

  const rows: [string, Cost][] = [];
  for (const side of SIDES) {
    rows.push([`${side}, stored`, await costPerBatch(side, repeat(storer, storedBatches), 201)]);
    rows.push([`${side}, refused`, await costPerBatch(side, refusing, 429)]);
    if (side === "function") {
      const remembered = repeat(hammerer, refusedBatches);
      rows.push([`${side}, refused, remembered`, await costPerBatch(side, remembered, 429)]);
    }
    await setEarlyChecks(false);
    rows.push([`${side}, refused, checks off`, await costPerBatch(side, refusingLate, 429)]);
    await setEarlyChecks(true);
  }

  const alone = await bystanderP50(bystander, seconds * 1000);
  const hammered = await underHammer(bystander, () => hammerer);
  await setEarlyChecks(false);
  // A new user per batch, so that the function's memory does not stand in for the database.
  const hammeredLate = await underHammer(bystander, (i) => hammerPool[i]);
  await setEarlyChecks(true);

  console.log(`\nper batch of ${BATCH}; ${storedBatches} stored, ${refusedBatches} refused:\n`);
  console.log(
    "| batches | WAL KB per batch | Postgres CPU ms per batch (PostgREST's backends) | stack CPU ms per batch |",
  );
  console.log("| --- | ---: | ---: | ---: |");
  for (const [label, cost] of rows) {
    const cells = [cost.walKb.toFixed(2), cost.postgresMs.toFixed(2), cost.stackMs.toFixed(2)];
    console.log(`| ${label} | ${cells.join(" | ")} |`);
  }
  console.log("\nrefused / stored, same side, same run:\n");
  const cost = (label: string) => rows.find(([name]) => name === label)![1];
  for (const label of ["function, refused", "function, refused, remembered", "direct, refused"]) {
    const [refused, stored] = [cost(label), cost(`${label.split(",")[0]}, stored`)];
    const pct = (key: keyof Cost) => `${(100 * refused[key] / stored[key]).toFixed(2)} %`;
    console.log(
      `${label}: WAL ${pct("walKb")}, Postgres CPU ${pct("postgresMs")}, stack CPU ${
        pct("stackMs")
      }`,
    );
  }
  console.log(
    `\nbystander: single events through the function, ${seconds} s each; refused batches at ${hammerRate}/s`,
  );
  console.log(`alone: p50 ${alone.p50.toFixed(1)} ms (${alone.count} events)`);
  for (const [label, run] of [["hammered", hammered], ["hammered, checks off", hammeredLate]]) {
    const r = run as typeof hammered;
    console.log(
      `${label}: p50 ${
        r.p50.toFixed(1)
      } ms (${r.count} events); ${r.refused} of ${r.sent} refused` +
        ` (${r.skipped} skipped), ${r.walMb.toFixed(1)} MB of WAL`,
    );
  }
} finally {
  await setEarlyChecks(true);
  await db.close();
}
