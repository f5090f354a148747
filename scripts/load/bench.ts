/**
 * Function versus direct PostgREST, through the same gateway, interleaved in one run
 * (A B A B ...), so that the machine's noise hits both sides alike.
 *
 * Each phase runs `concurrency` loops for `seconds`. Side A posts to /functions/v1/track-event;
 * side B posts the same rows to /rest/v1/analytics_events as `supabase.from(...).insert()` does.
 * Every request carries fresh event ids, so both sides store every event.
 *
 * `--limiter compare` measures the per-user ingest limiter's cost: every round runs each side
 * with the limiter's triggers enabled and disabled (A-on A-off B-on B-off ...). The bench's users
 * have an override far above what they send, so "on" pays for the limiter but is never refused.
 * The trigger is enabled again on exit, Ctrl-C included.
 *
 * @example
 * ```sh
 * deno run -A scripts/load/bench.ts --seconds 10 --rounds 3 --concurrency 8
 * deno run -A scripts/load/bench.ts --seconds 5 --rounds 3 --limiter compare
 * ```
 */
import { parseArgs } from "node:util";
import { openFixtures } from "../../tests/support/fixtures.ts";
import {
  cpuBetween,
  headersFor,
  liftIngestLimits,
  makeBatch,
  makeUsers,
  procStatusKb,
  quantile,
  resetPeakRss,
  sampleCpu,
  type SimUser,
  stackPids,
  timedPost,
} from "./workload.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "8" },
    limiter: { type: "string", default: "on" },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);
if (!["on", "off", "compare"].includes(args.limiter!)) {
  console.error("--limiter is on (the default), off or compare");
  Deno.exit(2);
}
const compareLimiter = args.limiter === "compare";

type Side = "function" | "direct";
/** One measured configuration: a side, with the limiter's trigger enabled or not. */
interface Setup {
  side: Side;
  limiter: boolean;
}
const label = (setup: Setup) =>
  compareLimiter ? `${setup.side}, limiter ${setup.limiter ? "on" : "off"}` : setup.side;
const setups: Setup[] = compareLimiter
  ? [
    { side: "function", limiter: true },
    { side: "function", limiter: false },
    { side: "direct", limiter: true },
    { side: "direct", limiter: false },
  ]
  : [{ side: "function", limiter: args.limiter === "on" }, {
    side: "direct",
    limiter: args.limiter === "on",
  }];
interface Tally {
  events: number;
  elapsedMs: number;
  latencies: number[];
  failures: number;
  cpu: Record<string, number>;
}

const newTally = (): Tally => ({ events: 0, elapsedMs: 0, latencies: [], failures: 0, cpu: {} });

const db = await openFixtures();
const env = db.env;
const runDir = new URL("../../.stack/run/", import.meta.url);
const pids = await stackPids(runDir);
const functionPid = pids.function[0];
console.log(`setting up ${concurrency} users with their jobs`);
const users = await makeUsers(db, concurrency, 2);
await liftIngestLimits(db, users);

// The limiter is the triggers refuse_spent_ingest and limit_event_ingest; disabling them is the
// "off" side (the db-pre-request's check stays: it runs for every request). Whatever happens,
// the stack is left with them enabled.
let limiterEnabled = true;
async function setLimiter(enabled: boolean): Promise<void> {
  if (enabled === limiterEnabled) return;
  const action = enabled ? "enable" : "disable";
  await db.sql.unsafe(`
    alter table public.analytics_events ${action} trigger refuse_spent_ingest;
    alter table public.analytics_events ${action} trigger limit_event_ingest;
  `);
  limiterEnabled = enabled;
}
const restoreLimiterAndExit = async () => {
  await setLimiter(true);
  Deno.exit(130);
};
Deno.addSignalListener("SIGINT", restoreLimiterAndExit);

function requestFor(
  side: Side,
  user: SimUser,
  size: number,
): [string, Record<string, string>, string] {
  const events = makeBatch(user, size);
  if (side === "function") {
    const body = size === 1 ? events[0] : { events };
    return [
      `${env.apiUrl}/functions/v1/track-event`,
      headersFor(env, user.token),
      JSON.stringify(body),
    ];
  }
  // The request supabase-js makes for `insert(rows)`: `return=minimal`, and for an array a
  // `columns` list, so that PostgREST need not parse the payload to find the keys.
  const columns = size === 1 ? "" : `?columns=${Object.keys(events[0]).join(",")}`;
  return [
    `${env.apiUrl}/rest/v1/analytics_events${columns}`,
    headersFor(env, user.token, { prefer: "return=minimal" }),
    JSON.stringify(size === 1 ? events[0] : events),
  ];
}

async function phase(setup: Setup, size: number, tally: Tally): Promise<void> {
  await setLimiter(setup.limiter);
  const side = setup.side;
  // Postgres backends come and go with PostgREST's pool, so the pids are listed afresh each time.
  const cpuBefore = await sampleCpu(await stackPids(runDir));
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(users.map(async (user) => {
    while (performance.now() < deadline) {
      const [url, headers, body] = requestFor(side, user, size);
      const result = await timedPost(url, headers, body);
      if (result.status >= 200 && result.status < 300) {
        tally.events += size;
        tally.latencies.push(result.ms);
      } else {
        tally.failures++;
      }
    }
  }));
  tally.elapsedMs += performance.now() - started;
  const used = cpuBetween(cpuBefore, await sampleCpu(await stackPids(runDir)));
  for (const [name, ms] of Object.entries(used)) tally.cpu[name] = (tally.cpu[name] ?? 0) + ms;
}

// A warm-up of every setup, so that none pays for JIT and connection set-up in the results.
try {
  for (const setup of setups) await phase(setup, 10, newTally());
  await measure();
} finally {
  await setLimiter(true);
  Deno.removeSignalListener("SIGINT", restoreLimiterAndExit);
  await db.close();
}

async function measure(): Promise<void> {
  // Linux resets the peak-RSS counter (VmHWM) on request, so the peak covers the measured phases.
  if (!await resetPeakRss(functionPid)) {
    console.log("note: could not reset the function's peak RSS; VmHWM covers its whole life");
  }

  const rows: string[] = [];
  const cpuRows: string[] = [];
  const ratios: [string, number][] = [];
  for (const [workload, size] of [["batch of 100", 100], ["single event", 1]] as const) {
    const tallies = new Map(setups.map((setup) => [label(setup), newTally()]));
    for (let round = 1; round <= rounds; round++) {
      for (const setup of setups) {
        console.log(`${workload}: round ${round}/${rounds}, ${label(setup)} (${seconds} s)`);
        await phase(setup, size, tallies.get(label(setup))!);
      }
    }
    const rate = (name: string) => {
      const t = tallies.get(name)!;
      return t.events / (t.elapsedMs / 1000);
    };
    for (const [name, t] of tallies) {
      rows.push(
        `| ${workload} | ${name} | ${rate(name).toFixed(0)} | ${
          quantile(t.latencies, 0.5).toFixed(1)
        } | ${quantile(t.latencies, 0.99).toFixed(1)} | ${t.latencies.length} | ${t.failures} |`,
      );
      const perRequest = (ms: number) => (ms / t.latencies.length).toFixed(2);
      cpuRows.push(
        `| ${workload} | ${name} | ${
          Object.keys(pids).map((process) => perRequest(t.cpu[process] ?? 0)).join(" | ")
        } |`,
      );
    }
    // The stack's CPU per event (every process but this load generator): steadier than events/s
    // on a machine whose other tenants come and go.
    const stackCpuPerEvent = (name: string) => {
      const t = tallies.get(name)!;
      const ms = Object.entries(t.cpu).filter(([process]) => process !== "client")
        .reduce((sum, [, used]) => sum + used, 0);
      return ms / t.events;
    };
    if (compareLimiter) {
      for (const side of ["function", "direct"] as Side[]) {
        ratios.push([
          `limiter on/off, ${side}, ${workload}`,
          rate(`${side}, limiter on`) / rate(`${side}, limiter off`),
        ]);
        ratios.push([
          `limiter on/off, stack CPU per event, ${side}, ${workload}`,
          stackCpuPerEvent(`${side}, limiter on`) / stackCpuPerEvent(`${side}, limiter off`),
        ]);
      }
      ratios.push([
        `function/direct (limiter on), ${workload}`,
        rate("function, limiter on") / rate("direct, limiter on"),
      ]);
    } else {
      ratios.push([`function/direct, ${workload}`, rate("function") / rate("direct")]);
    }
  }

  const peakMb = await procStatusKb(functionPid, "VmHWM") / 1024;
  console.log(
    `\nconcurrency ${concurrency}, ${rounds} rounds of ${seconds} s per setup, interleaved, ` +
      `limiter ${args.limiter}\n`,
  );
  console.log("| workload | side | events/s | p50 ms | p99 ms | requests | failures |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
  console.log("\nCPU ms per request, by process (from /proc/<pid>/stat):\n");
  console.log(`| workload | side | ${Object.keys(pids).join(" | ")} |`);
  console.log(`| --- | --- | ${Object.keys(pids).map(() => "---").join(" | ")} |`);
  for (const row of cpuRows) console.log(row);
  console.log("");
  for (const [name, ratio] of ratios) console.log(`ratio ${name}: ${ratio.toFixed(3)}x`);
  console.log(`function peak RSS during the run: ${peakMb.toFixed(1)} MB`);
}
