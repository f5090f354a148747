/**
 * Microbenchmark of the track-event handler in one process: the real handler, wired as
 * `index.ts` wires it (cached token verifier, ownership cache, JSON log line), with the fake
 * store from the unit tests in place of PostgREST. It prints µs per request, wall clock and
 * process CPU (GC included), for a single event and batches of 100 and 500.
 *
 * Run from the repository root:
 *
 * ```sh
 * tools/node_modules/deno/deno run --allow-env --allow-read scripts/load/handler_bench.ts
 * tools/node_modules/deno/deno run --allow-env --allow-read scripts/load/handler_bench.ts \
 *   --rounds 7 --ms 1500 --only "batch of 100"
 * ```
 *
 * Each scenario warms up, then runs `rounds` rounds of about `ms` milliseconds each; the table
 * shows the median round. Request bodies are built before timing; `new Request(...)` is timed,
 * as Deno.serve pays for it too.
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { createTokenVerifier } from "../../supabase/functions/_shared/auth.ts";
import { createJsonLogger } from "../../supabase/functions/_shared/log.ts";
import { cacheVerifiedTokens } from "../../supabase/functions/_shared/verified_token_cache.ts";
import { createHandler, type HandlerDeps } from "../../supabase/functions/track-event/handler.ts";
import { createOwnershipCache } from "../../supabase/functions/track-event/ownership_cache.ts";
import {
  ALICES_JOB,
  FakeStore,
  NOW,
  post,
  signToken,
  TEST_SECRET,
} from "../../supabase/functions/track-event/test_support.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    ms: { type: "string", default: "1000" },
    only: { type: "string" },
  },
});
const rounds = Number(args.rounds);
const roundMs = Number(args.ms);

const SECOND_JOB = "33333333-3333-4333-8333-333333333333";

/** One event as the load generator makes them: name, id, job, stage, three properties. */
function makeEvent(n: number): Record<string, unknown> {
  return {
    event: n % 2 ? "stage_completed" : "stage_started",
    event_id: crypto.randomUUID(),
    job_id: n % 2 ? ALICES_JOB : SECOND_JOB,
    stage: `stage_${n % 5}`,
    properties: { n, screen: "home", build: "1.2.3" },
  };
}

function bodyOf(size: number): string {
  const events = Array.from({ length: size }, (_, i) => makeEvent(i));
  return JSON.stringify(size === 1 ? events[0] : { events, sent_at: NOW.toISOString() });
}

function makeHandler(cachedToken: boolean) {
  const store = new FakeStore();
  store.visibleJobs.add(SECOND_JOB);
  const verify = createTokenVerifier({ jwtSecret: TEST_SECRET });
  const deps: HandlerDeps = {
    now: () => NOW,
    newRequestId: () => crypto.randomUUID(),
    newEventId: () => crypto.randomUUID(),
    verifyToken: cachedToken
      ? cacheVerifiedTokens(verify, { maxEntries: 10_000, maxAgeMs: 60_000 })
      : verify,
    storeFor: () => store,
    ownershipCache: createOwnershipCache({ ttlMs: 60_000, maxEntries: 10_000, now: () => NOW }),
    logger: createJsonLogger(() => {}),
    config: { allowedOrigins: "*" },
  };
  return { handle: createHandler(deps), store };
}

interface Sample {
  wallUs: number;
  cpuUs: number;
}

async function runScenario(size: number, cachedToken: boolean, token: string): Promise<Sample> {
  const { handle, store } = makeHandler(cachedToken);
  // A handful of distinct bodies, so no engine cache sees the very same string every time.
  const bodies = Array.from({ length: 8 }, () => bodyOf(size));
  let i = 0;
  const once = async () => {
    const response = await handle(post(bodies[i++ % bodies.length], { token }));
    if (response.status !== 201) throw new Error(`unexpected status ${response.status}`);
    await response.arrayBuffer();
    // Every round stores the same ids again: forget them so each request creates rows.
    store.existingEventIds.clear();
    store.insertCalls.length = 0;
    store.visibleCalls.length = 0;
    store.tokens.length = 0;
  };
  const until = async (ms: number) => {
    let count = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      await once();
      count++;
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallUs: (wall * 1000) / count, cpuUs: (cpu.user + cpu.system) / count };
  };
  await until(roundMs);
  const samples: Sample[] = [];
  for (let r = 0; r < rounds; r++) samples.push(await until(roundMs));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    wallUs: median(samples.map((s) => s.wallUs)),
    cpuUs: median(samples.map((s) => s.cpuUs)),
  };
}

const token = await signToken();
const scenarios: [string, number, boolean][] = [
  ["single event", 1, true],
  ["single event, token not cached", 1, false],
  ["batch of 100", 100, true],
  ["batch of 500", 500, true],
];
console.log(`rounds: ${rounds} x ${roundMs} ms, median round\n`);
console.log("| scenario | µs/request (wall) | µs/request (CPU) | µs/event (wall) |");
console.log("| --- | ---: | ---: | ---: |");
for (const [label, size, cached] of scenarios) {
  if (args.only !== undefined && !label.startsWith(args.only)) continue;
  const { wallUs, cpuUs } = await runScenario(size, cached, token);
  console.log(
    `| ${label} | ${wallUs.toFixed(1)} | ${cpuUs.toFixed(1)} | ${(wallUs / size).toFixed(2)} |`,
  );
}
