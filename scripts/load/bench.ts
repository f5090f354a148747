/**
 * Function versus direct PostgREST, through the same gateway, interleaved in one run
 * (A B A B ...), so that the machine's noise hits both sides alike.
 *
 * Each phase runs `concurrency` loops for `seconds`. Side A posts to /functions/v1/track-event;
 * side B posts the same rows to /rest/v1/analytics_events as `supabase.from(...).insert()` does.
 * Every request carries fresh event ids, so both sides store every event.
 *
 * @example
 * ```sh
 * deno run -A scripts/load/bench.ts --seconds 10 --rounds 3 --concurrency 8
 * ```
 */
import { parseArgs } from "node:util";
import { openFixtures } from "../../tests/support/fixtures.ts";
import {
  cpuBetween,
  headersFor,
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
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);

type Side = "function" | "direct";
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

async function phase(side: Side, size: number, tally: Tally): Promise<void> {
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

// A warm-up on both sides, so that neither pays for JIT and connection set-up in the results.
for (const side of ["function", "direct"] as Side[]) {
  await phase(side, 10, newTally());
}
// Linux resets the peak-RSS counter (VmHWM) on request, so the peak covers the measured phases.
if (!await resetPeakRss(functionPid)) {
  console.log("note: could not reset the function's peak RSS; VmHWM covers its whole life");
}

const rows: string[] = [];
const cpuRows: string[] = [];
const ratios: Record<string, number> = {};
for (const [label, size] of [["batch of 100", 100], ["single event", 1]] as const) {
  const tallies: Record<Side, Tally> = { function: newTally(), direct: newTally() };
  for (let round = 1; round <= rounds; round++) {
    for (const side of ["function", "direct"] as Side[]) {
      console.log(`${label}: round ${round}/${rounds}, ${side} (${seconds} s)`);
      await phase(side, size, tallies[side]);
    }
  }
  const rate = (t: Tally) => t.events / (t.elapsedMs / 1000);
  for (const side of ["function", "direct"] as Side[]) {
    const t = tallies[side];
    rows.push(
      `| ${label} | ${side} | ${rate(t).toFixed(0)} | ${quantile(t.latencies, 0.5).toFixed(1)} | ${
        quantile(t.latencies, 0.99).toFixed(1)
      } | ${t.latencies.length} | ${t.failures} |`,
    );
  }
  ratios[label] = rate(tallies.function) / rate(tallies.direct);
  for (const side of ["function", "direct"] as Side[]) {
    const t = tallies[side];
    const perRequest = (ms: number) => (ms / t.latencies.length).toFixed(2);
    cpuRows.push(
      `| ${label} | ${side} | ${
        Object.keys(pids).map((name) => perRequest(t.cpu[name] ?? 0)).join(" | ")
      } |`,
    );
  }
}

const peakMb = await procStatusKb(functionPid, "VmHWM") / 1024;
console.log(
  `\nconcurrency ${concurrency}, ${rounds} rounds of ${seconds} s per side, interleaved\n`,
);
console.log("| workload | side | events/s | p50 ms | p99 ms | requests | failures |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const row of rows) console.log(row);
console.log("\nCPU ms per request, by process (from /proc/<pid>/stat):\n");
console.log(`| workload | side | ${Object.keys(pids).join(" | ")} |`);
console.log(`| --- | --- | ${Object.keys(pids).map(() => "---").join(" | ")} |`);
for (const row of cpuRows) console.log(row);
console.log("");
for (const [label, ratio] of Object.entries(ratios)) {
  console.log(`ratio function/direct, ${label}: ${ratio.toFixed(2)}x`);
}
console.log(`function peak RSS during the run: ${peakMb.toFixed(1)} MB`);
await db.close();
