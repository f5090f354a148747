/**
 * Microbenchmark of the track-event handler in one process: the real handler, wired as
 * `index.ts` wires it (cached token verifier, ownership cache, JSON log line), for a single
 * event and batches of 100 and 500 events. It prints µs per request: process CPU (GC included)
 * and wall clock, which also counts time the machine gave to other processes.
 *
 * Two stores stand in for PostgREST:
 * - "fake store": the unit tests' FakeStore, so only the handler's own work is measured;
 * - "supabase-js": the real store (supabase-js, the timeout wrapper, response parsing) with an
 *   injected fetch that answers at once, so the client library's per-request work shows too.
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
 * shows the median round. Bodies are built before timing; `new Request(...)` is timed, as
 * Deno.serve pays for it too.
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { createTokenVerifier } from "../../supabase/functions/_shared/auth.ts";
import { createJsonLogger } from "../../supabase/functions/_shared/log.ts";
import { cacheVerifiedTokens } from "../../supabase/functions/_shared/verified_token_cache.ts";
import { createHandler } from "../../supabase/functions/track-event/handler.ts";
import { createOwnershipCache } from "../../supabase/functions/track-event/ownership_cache.ts";
import {
  createSupabaseStoreFactory,
  type StoreFactory,
} from "../../supabase/functions/track-event/store.ts";
import {
  ALICES_JOB,
  FakeStore,
  NOW,
  post,
  signToken,
  TEST_SECRET,
} from "../../supabase/functions/track-event/test_support.ts";
import type { EventBody } from "./workload.ts";

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
function makeEvent(n: number): EventBody {
  return {
    event: n % 2 ? "stage_completed" : "stage_started",
    event_id: crypto.randomUUID(),
    job_id: n % 2 ? ALICES_JOB : SECOND_JOB,
    stage: `stage_${n % 5}`,
    properties: { n, screen: "home", build: "1.2.3" },
  };
}

interface Body {
  text: string;
  /** What PostgREST answers to the insert: every id, as `select=event_id` returns them. */
  inserted: string;
}

function bodyOf(size: number): Body {
  const events = Array.from({ length: size }, (_, i) => makeEvent(i));
  return {
    text: JSON.stringify(size === 1 ? events[0] : { events, sent_at: NOW.toISOString() }),
    inserted: JSON.stringify(events.map((event) => ({ event_id: event.event_id }))),
  };
}

/** A PostgREST that answers at once: every job is visible, every row is new. */
function instantPostgrest(bodies: Body[]): typeof fetch {
  const byFirstId = new Map<string, string>();
  for (const body of bodies) byFirstId.set(JSON.parse(body.inserted)[0].event_id, body.inserted);
  const marker = '"event_id":"';
  return (input, init) => {
    const url = String(input);
    let answer = JSON.stringify([{ id: ALICES_JOB }, { id: SECOND_JOB }]);
    if (url.includes("/analytics_events")) {
      const text = String(init?.body);
      const at = text.indexOf(marker) + marker.length;
      answer = byFirstId.get(text.slice(at, at + 36)) ?? "[]";
    }
    return Promise.resolve(
      new Response(answer, { status: 201, headers: { "content-type": "application/json" } }),
    );
  };
}

type StoreKind = "fake store" | "supabase-js";

function makeHandler(kind: StoreKind, cachedToken: boolean, bodies: Body[]) {
  const fake = new FakeStore();
  fake.visibleJobs.add(SECOND_JOB);
  const storeFor: StoreFactory = kind === "fake store" ? () => fake : createSupabaseStoreFactory({
    url: "http://postgrest.test",
    anonKey: "anon-key",
    timeoutMs: 5000,
    fetch: instantPostgrest(bodies),
  });
  const verify = createTokenVerifier({ jwtSecret: TEST_SECRET });
  const handle = createHandler({
    now: () => NOW,
    newRequestId: () => crypto.randomUUID(),
    newEventId: () => crypto.randomUUID(),
    verifyToken: cachedToken
      ? cacheVerifiedTokens(verify, { maxEntries: 10_000, maxAgeMs: 60_000 })
      : verify,
    storeFor,
    ownershipCache: createOwnershipCache({ ttlMs: 60_000, maxEntries: 10_000, now: () => NOW }),
    logger: createJsonLogger(() => {}),
    schedule: () => () => {},
    config: { allowedOrigins: "*", bodyTimeoutMs: 10_000 },
  });
  // The fake store records every call; forget them so each request creates rows again.
  const reset = () => {
    fake.existingEventIds.clear();
    fake.insertCalls.length = 0;
    fake.visibleCalls.length = 0;
    fake.tokens.length = 0;
  };
  return { handle, reset };
}

interface Sample {
  wallUs: number;
  cpuUs: number;
}

async function runScenario(
  size: number,
  kind: StoreKind,
  cachedToken: boolean,
  token: string,
): Promise<Sample> {
  // A handful of distinct bodies, so no engine cache sees the very same string every time.
  const bodies = Array.from({ length: 8 }, () => bodyOf(size));
  const { handle, reset } = makeHandler(kind, cachedToken, bodies);
  let i = 0;
  const once = async () => {
    const response = await handle(post(bodies[i++ % bodies.length].text, { token }));
    if (response.status !== 201) throw new Error(`unexpected status ${response.status}`);
    await response.arrayBuffer();
    reset();
  };
  const round = async () => {
    let count = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    while (performance.now() - started < roundMs) {
      await once();
      count++;
    }
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    return { wallUs: (wall * 1000) / count, cpuUs: (cpu.user + cpu.system) / count };
  };
  await round();
  const samples: Sample[] = [];
  for (let r = 0; r < rounds; r++) samples.push(await round());
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    wallUs: median(samples.map((s) => s.wallUs)),
    cpuUs: median(samples.map((s) => s.cpuUs)),
  };
}

const token = await signToken();
const scenarios: [string, number, StoreKind, boolean][] = [
  ["single event", 1, "fake store", true],
  ["single event, token not cached", 1, "fake store", false],
  ["batch of 100", 100, "fake store", true],
  ["batch of 500", 500, "fake store", true],
  ["single event", 1, "supabase-js", true],
  ["batch of 100", 100, "supabase-js", true],
  ["batch of 500", 500, "supabase-js", true],
];
console.log(`rounds: ${rounds} x ${roundMs} ms, median round\n`);
console.log("| scenario | store | µs/request (CPU) | µs/event (CPU) | µs/request (wall) |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const [label, size, kind, cached] of scenarios) {
  if (args.only !== undefined && !label.startsWith(args.only) && kind !== args.only) continue;
  const { wallUs, cpuUs } = await runScenario(size, kind, cached, token);
  console.log(
    `| ${label} | ${kind} | ${cpuUs.toFixed(1)} | ${(cpuUs / size).toFixed(2)} | ` +
      `${wallUs.toFixed(1)} |`,
  );
}
