/**
 * Apps through the client SDK against the same apps posting each event alone, with direct
 * PostgREST batches of 100 as the reference, interleaved in one run (A B C A B C ...).
 *
 * - "SDK": `clients` apps, each a tracker tracking `rate` events/s; the SDK batches them.
 * - "each event alone": the same apps POST every event to the function as it happens, at most
 *   `inFlight` requests at a time per app (a real app would not open more); the rest wait.
 * - "direct batches": `concurrency` loops insert batches of 100 into PostgREST, as fast as they go.
 *
 * For the apps, the latency is from `track()` (or the moment the event happened) to the answer
 * that acknowledged it. The stack's CPU (gateway, function, PostgREST, Postgres) is measured per
 * stored event. The machine is CPU-bound, so a side's capacity is the inverse of its CPU per event:
 * the "capacity ÷ direct batches" column compares sides whose offered load differs.
 *
 * @example
 * ```sh
 * scripts/bench --sdk --clients 200 --rate 10 --seconds 15 --rounds 2
 * ```
 */
import { parseArgs } from "node:util";
import { openFixtures } from "../../tests/support/fixtures.ts";
// The SDK's platform-neutral core, as createTracker builds it outside browsers.
import { createCoreTracker } from "../../packages/client/src/tracker.ts";
import { globalPlatform } from "../../packages/client/src/platform.ts";
import { memoryStorage } from "../../packages/client/src/storage_memory.ts";
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
  args: Deno.args.filter((arg) => arg !== "--sdk"),
  options: {
    clients: { type: "string", default: "200" },
    rate: { type: "string", default: "10" },
    seconds: { type: "string", default: "15" },
    rounds: { type: "string", default: "2" },
    concurrency: { type: "string", default: "8" },
    "in-flight": { type: "string", default: "2" },
  },
});
const clients = Number(args.clients);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);
const inFlight = Number(args["in-flight"]);
// What is still unacknowledged when the load stops gets this long to arrive.
const DRAIN_MS = 30_000;

type Side = "SDK" | "each event alone" | "direct batches";
interface Tally {
  events: number;
  elapsedMs: number;
  latencies: number[];
  failures: number;
  cpuMs: number;
}
const newTally = (): Tally => ({ events: 0, elapsedMs: 0, latencies: [], failures: 0, cpuMs: 0 });
const tallies: Record<Side, Tally> = {
  "SDK": newTally(),
  "each event alone": newTally(),
  "direct batches": newTally(),
};

const db = await openFixtures();
const env = db.env;
const fnUrl = `${env.apiUrl}/functions/v1/track-event`;
const runDir = new URL("../../.stack/run/", import.meta.url);
console.log(`setting up ${clients} app users and ${concurrency} direct users`);
const apps = await makeUsers(db, clients, 1);
const direct = await makeUsers(db, concurrency, 2);
await liftIngestLimits(db, [...apps, ...direct]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `tick(n)` every 1000/rate ms from a random offset until `stopAt`. */
async function paced(stopAt: number, tick: (n: number) => void): Promise<void> {
  const period = 1000 / rate;
  await sleep(Math.random() * period);
  let next = performance.now();
  for (let n = 0; performance.now() < stopAt; n++) {
    tick(n);
    next += period;
    await sleep(Math.max(0, next - performance.now()));
  }
}

/** The SDK side: one tracker per app; acknowledgements are read off the function's answers. */
async function sdkPhase(tally: Tally, stopAt: number): Promise<void> {
  const trackedAt = new Map<string, number>();
  const platform = globalPlatform();
  const acking: typeof platform.fetch = async (url, init) => {
    const response = await platform.fetch(url, init);
    if (response.ok) {
      const now = performance.now();
      const body = await response.clone().json() as { events: { event_id: string }[] };
      for (const { event_id } of body.events) {
        const at = trackedAt.get(event_id);
        if (at !== undefined) tally.latencies.push(now - at);
      }
    } else tally.failures++;
    return response;
  };
  const trackers = apps.map((app) =>
    createCoreTracker(
      {
        url: fnUrl,
        apiKey: env.anonKey,
        getAccessToken: () => Promise.resolve(app.token),
      },
      memoryStorage(),
      { ...platform, fetch: acking },
    )
  );
  await Promise.all(trackers.map((tracker, i) =>
    paced(stopAt, (n) => {
      const { job_id, stage } = makeEvent(apps[i], n);
      const properties = { n, screen: "home", build: "1.2.3" };
      trackedAt.set(tracker.track("stage_event", { job_id, stage, properties }), performance.now());
    })
  ));
  await Promise.all(trackers.map((tracker) => tracker.flush({ timeoutMs: DRAIN_MS })));
  for (const tracker of trackers) {
    tally.events += tracker.stats().sent + tracker.stats().duplicates;
    await tracker.close();
  }
}

/** Each event alone: a POST per event, at most `inFlight` per app, the rest waiting in order. */
async function alonePhase(tally: Tally, stopAt: number): Promise<void> {
  await Promise.all(apps.map(async (app) => {
    const waiting: { body: string; at: number }[] = [];
    let busy = 0;
    let done: () => void = () => {};
    const drained = new Promise<void>((resolve) => done = resolve);
    let stopped = false;
    const pump = () => {
      while (busy < inFlight && waiting.length > 0) {
        const { body, at } = waiting.shift()!;
        busy++;
        timedPost(fnUrl, headersFor(env, app.token), body).then((result) => {
          busy--;
          if (result.status === 201 || result.status === 200) {
            tally.events++;
            tally.latencies.push(performance.now() - at);
          } else tally.failures++;
          pump();
          if (stopped && busy === 0 && waiting.length === 0) done();
        });
      }
    };
    await paced(stopAt, (n) => {
      waiting.push({ body: JSON.stringify(makeEvent(app, n)), at: performance.now() });
      pump();
    });
    stopped = true;
    if (busy === 0 && waiting.length === 0) done();
    await drained;
  }));
}

/** The reference: PostgREST inserts of 100 rows, as supabase-js sends them, closed loop. */
async function directPhase(tally: Tally, stopAt: number): Promise<void> {
  await Promise.all(direct.map(async (user: SimUser) => {
    while (performance.now() < stopAt) {
      const rows = makeBatch(user, 100);
      const result = await timedPost(
        `${env.apiUrl}/rest/v1/analytics_events?columns=${Object.keys(rows[0]).join(",")}`,
        headersFor(env, user.token, { prefer: "return=minimal" }),
        JSON.stringify(rows),
      );
      if (result.status === 201) {
        tally.events += 100;
        tally.latencies.push(result.ms);
      } else tally.failures++;
    }
  }));
}

const phases: [Side, (tally: Tally, stopAt: number) => Promise<void>][] = [
  ["SDK", sdkPhase],
  ["each event alone", alonePhase],
  ["direct batches", directPhase],
];

async function measured(side: Side, run: (tally: Tally, stopAt: number) => Promise<void>) {
  const tally = tallies[side];
  // Postgres backends come and go with PostgREST's pool, so the pids are listed afresh each time.
  const cpuBefore = await sampleCpu(await stackPids(runDir));
  const started = performance.now();
  await run(tally, started + seconds * 1000);
  tally.elapsedMs += performance.now() - started;
  const used = cpuBetween(cpuBefore, await sampleCpu(await stackPids(runDir)));
  // The stack's processes only: the load generator (`client`) stands in for the apps' devices.
  delete used.client;
  tally.cpuMs += Object.values(used).reduce((sum, ms) => sum + ms, 0);
}

try {
  // A short warm-up of every side, so that none pays for JIT and connection set-up.
  for (const [, run] of phases) {
    await run(newTally(), 0);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [side, run] of phases) {
      console.log(`round ${round}/${rounds}: ${side}, ${seconds} s`);
      await measured(side, run);
    }
  }
} finally {
  await db.close();
}

const cpuPerEvent = (t: Tally) => t.cpuMs / t.events;
const reference = cpuPerEvent(tallies["direct batches"]);
console.log(
  `\n${clients} apps × ${rate} events/s (offered ${clients * rate} events/s); direct: ` +
    `${concurrency} loops of 100-row batches; ${rounds} × ${seconds} s per side, interleaved\n`,
);
console.log(
  "| side | delivered events/s | p50 / p99 latency (ms) | failed requests | stack CPU per event (µs) | capacity ÷ direct batches |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [side, t] of Object.entries(tallies)) {
  console.log(
    `| ${side} | ${(t.events / (t.elapsedMs / 1000)).toFixed(0)} | ${
      quantile(t.latencies, 0.5).toFixed(0)
    } / ${quantile(t.latencies, 0.99).toFixed(0)} | ${t.failures} | ${
      (cpuPerEvent(t) * 1000).toFixed(0)
    } | ${(reference / cpuPerEvent(t)).toFixed(2)}x |`,
  );
}
