/**
 * The rollup trigger's cost on the whole ingest path: the same batches POSTed to
 * /functions/v1/track-event of two twin stacks (gateway, function, PostgREST), one over the twin
 * database with the trigger `roll_up_stage_events` and one over the twin without it, in turn (on,
 * off, off, on, ...), so that both share whatever else the machine is doing. This is what an app
 * waits for per batch: the token check, the job-ownership check, the insert through PostgREST with
 * its policy, limiter and triggers, and the commit.
 *
 * The batches are those of rollup_insert_bench.ts: `--batch` events for the bench user, one in
 * `--stage-every` a stage event, the others page views. A stage starts in one request and completes
 * in the next, with latencies spread from 1 ms to 10 minutes (both timestamps in the past, as a
 * pipeline reports them: the function clamps a future `occurred_at` to its receipt).
 *
 * Prints one line per arm: `arm ingest requests p10 p50 mean` in milliseconds per request.
 * `scripts/bench-db --rollups` starts the twin stacks and runs it (scripts/lib/bench_rollups.sh).
 *
 * @module
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { roundOrder, timedPost, timingLine } from "./workload.ts";

const { values: args } = parseArgs({
  options: {
    on: { type: "string" },
    off: { type: "string" },
    db: { type: "string" },
    "off-db": { type: "string" },
    user: { type: "string" },
    token: { type: "string" },
    "anon-key": { type: "string" },
    requests: { type: "string", default: "400" },
    batch: { type: "string", default: "100" },
    "stage-every": { type: "string", default: "5" },
  },
});
if (
  !args.on || !args.off || !args.db || !args["off-db"] || !args.user || !args.token ||
  !args["anon-key"]
) {
  console.error(
    "usage: rollup_ingest_bench.ts --on <api url> --off <api url> --db <db url> --off-db <db url> --user <uuid> --token <jwt> --anon-key <key>",
  );
  Deno.exit(2);
}
const requests = Number(args.requests);
const batch = Number(args.batch);
const stageEvery = Number(args["stage-every"]);
const perRequest = batch / stageEvery;
// A completion comes one request after its start: `lag` pairs back.
const lag = Math.floor(perRequest / 2);

const sql = postgres(args.db, { max: 1, onnotice: () => {} });
const jobIds: string[] = (await sql<{ id: string }[]>`
  select id::text from public.jobs where user_id = ${args.user}::uuid order by id`).map((r) =>
  r.id
);
if (jobIds.length === 0) throw new Error("the bench user has no jobs");

// Each pair's start time, so that its completion lands `latency` after it. Starts are dated 11
// minutes back, so that no completion (at most 10 minutes later) is in the future.
const startedAt = new Map<number, number>();
// The completions sent, to check against the trigger's twin at the end.
let completions = 0;

/** Request n's events: the same for both arms. */
function batchFor(n: number): Record<string, unknown>[] {
  const now = Date.now();
  const events: Record<string, unknown>[] = [];
  for (let g = n * batch; g < (n + 1) * batch; g++) {
    const serial = Math.floor(g / stageEvery);
    let pair: number | null = null;
    if (g % stageEvery === 0) {
      if (serial % 2 === 0) pair = serial / 2;
      else if ((serial - 1) / 2 - lag >= 0) pair = (serial - 1) / 2 - lag;
    }
    if (pair === null) {
      events.push({ event: "page_view", event_id: crypto.randomUUID(), properties: { i: g } });
      continue;
    }
    const job = jobIds[pair % jobIds.length];
    const stage = `stage_${Math.floor(pair / jobIds.length) % 5}`;
    let occurredAt: number;
    let event: string;
    if (serial % 2 === 0) {
      event = "stage_started";
      occurredAt = now - 11 * 60_000;
      startedAt.set(pair, occurredAt);
    } else {
      event = "stage_completed";
      // 1 ms to 10 min, log-spread over the serials, as rollup_insert_bench.ts spreads them
      const latency = Math.exp(Math.log(600_000) * ((serial * 7919) % 1000) / 1000);
      occurredAt = (startedAt.get(pair) ?? now - 11 * 60_000) + latency;
      startedAt.delete(pair);
      completions++;
    }
    events.push({
      event,
      event_id: crypto.randomUUID(),
      job_id: job,
      stage,
      occurred_at: new Date(occurredAt).toISOString(),
      properties: { i: g },
    });
  }
  return events;
}

const headers = {
  apikey: args["anon-key"],
  authorization: `Bearer ${args.token}`,
  "content-type": "application/json",
};
const arms = {
  on: { url: args.on, ms: [] as number[] },
  off: { url: args.off, ms: [] as number[] },
};

async function post(url: string, body: string): Promise<number> {
  const { status, ms, body: answer } = await timedPost(
    `${url}/functions/v1/track-event`,
    headers,
    body,
  );
  if (status < 200 || status > 299) {
    throw new Error(`${url} answered ${status}: ${answer.slice(0, 200)}`);
  }
  return ms;
}

// Warm-up: each arm's connections, plan caches and ownership cache, not counted.
for (let n = 0; n < 10; n++) {
  const body = JSON.stringify({ events: batchFor(n) });
  for (const arm of Object.values(arms)) await post(arm.url, body);
}
for (let n = 10; n < 10 + requests; n++) {
  const body = JSON.stringify({ events: batchFor(n) });
  for (const arm of roundOrder([arms.on, arms.off], n)) arm.ms.push(await post(arm.url, body));
}

// Both twins stored every event, and the trigger's twin rolled up every completion: a path that
// answered 2xx without storing would time nothing worth timing.
const sent = (10 + requests) * batch;
const offSql = postgres(args["off-db"], { max: 1, onnotice: () => {} });
try {
  for (const [name, db] of [["on", sql], ["off", offSql]] as const) {
    const [{ stored }] = await db`
      select count(*)::integer as stored from public.analytics_events where user_id = ${args.user}::uuid`;
    if (stored !== sent) throw new Error(`the ${name} twin stored ${stored} of ${sent} events`);
  }
  const [{ rolled }] = await sql`
    select coalesce(sum(runs), 0)::integer as rolled from rollups.stage_latency_totals
    where user_id = ${args.user}::uuid and status = 'completed'`;
  if (rolled !== completions) {
    throw new Error(`the on twin rolled up ${rolled} of ${completions} completions`);
  }
} finally {
  await sql.end();
  await offSql.end();
}

for (const [name, arm] of Object.entries(arms)) console.log(timingLine(name, "ingest", arm.ms));
