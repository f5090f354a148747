/**
 * What gzip bombs cost the running function: rounds of parallel bombs (480 MiB of zeros, gzip -9,
 * about 488 KB on the wire) from a signed-in user, while another user sends single events. It
 * reports the bombs' answers, the function's CPU per bomb next to its CPU per legitimate gzip
 * batch of a similar wire size, its peak RSS (VmHWM, reset first), and the legitimate requests'
 * latency with and without bombs in flight.
 *
 * @example
 * ```sh
 * scripts/bench --gzip-bombs --parallel 8 --rounds 5
 * ```
 */
import { parseArgs } from "node:util";
import { createGzip, gzipSync } from "node:zlib";
import { openFixtures } from "../../tests/support/fixtures.ts";
import {
  cpuBetween,
  headersFor,
  makeEvent,
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
  args: Deno.args.filter((arg) => arg !== "--gzip-bombs"),
  options: {
    parallel: { type: "string", default: "8" },
    rounds: { type: "string", default: "5" },
  },
});
const parallel = Number(args.parallel);
const rounds = Number(args.rounds);

/** 480 MiB of zeros at gzip -9, compressed piece by piece so this process never holds them. */
async function makeBomb(): Promise<Uint8Array> {
  const gzip = createGzip({ level: 9 });
  const parts: Uint8Array[] = [];
  gzip.on("data", (part: Uint8Array) => parts.push(part));
  const ended = new Promise((resolve) => gzip.on("end", resolve));
  const zeros = new Uint8Array(1 << 20);
  for (let i = 0; i < 480; i++) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once("drain", resolve));
  }
  gzip.end();
  await ended;
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}

/**
 * A valid batch, fresh event ids, just under 512 KiB: random printable text (no quote or
 * backslash) compresses only to about 4/5, so its wire size comes near a bomb's.
 */
function legitGzipBatch(user: SimUser): Uint8Array {
  const printable = [...Array(95)].map((_, i) => String.fromCharCode(32 + i))
    .filter((c) => c !== '"' && c !== "\\").join("");
  const noise = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(800)), (b) => printable[b % printable.length])
      .join("");
  const events = Array.from({ length: 500 }, (_, i) => ({
    ...makeEvent(user, i),
    properties: { noise: noise() },
  }));
  return gzipSync(new TextEncoder().encode(JSON.stringify({ events })));
}

const db = await openFixtures();
const url = `${db.env.apiUrl}/functions/v1/track-event`;
const runDir = new URL("../../.stack/run/", import.meta.url);
const functionPid = (await stackPids(runDir)).function[0];
// The legitimate batches come from one user per parallel post, each within its ingest burst.
const [bystander, attacker, ...senders] = await makeUsers(db, parallel + 2, 1);
const gzipHeaders = (user: SimUser) =>
  headersFor(db.env, user.token, { "content-encoding": "gzip" });
const bomb = await makeBomb();

/** Single events from the bystander, one after another, until `stop` resolves. */
async function bystanderLoop(stop: Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let stopped = false;
  stop.then(() => stopped = true);
  for (let n = 0; !stopped; n++) {
    const body = JSON.stringify(makeEvent(bystander, n));
    const result = await timedPost(url, headersFor(db.env, bystander.token), body);
    if (result.status === 201) latencies.push(result.ms);
  }
  return latencies;
}

/**
 * Runs rounds of `parallel` gzip posts, each made by `post(i)`; returns their answers, p50 and
 * the function's CPU per post.
 */
async function gzipRounds(post: (i: number) => [SimUser, Uint8Array]) {
  const before = await sampleCpu({ function: [functionPid] });
  const statuses: Record<number, number> = {};
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.all(
      Array.from({ length: parallel }, (_, i) => {
        const [user, body] = post(i);
        return timedPost(url, gzipHeaders(user), body.slice());
      }),
    );
    for (const result of results) {
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      times.push(result.ms);
    }
  }
  const cpuMs = cpuBetween(before, await sampleCpu({ function: [functionPid] })).function;
  return { statuses, cpuPerPost: cpuMs / (rounds * parallel), p50: quantile(times, 0.5) };
}

// Warm-up, so that JIT and connections are not billed to the first phase.
await bystanderLoop(new Promise((resolve) => setTimeout(resolve, 2_000)));

const alone = await bystanderLoop(new Promise((resolve) => setTimeout(resolve, 3_000)));
const legitCost = await gzipRounds((i) => [senders[i], legitGzipBatch(senders[i])]);
const rssBefore = await procStatusKb(functionPid, "VmRSS") / 1024;
const peakReset = await resetPeakRss(functionPid);
let bombsDone!: () => void;
const bombsOver = new Promise<void>((resolve) => bombsDone = resolve);
const alongside = bystanderLoop(bombsOver);
const bombCost = await gzipRounds(() => [attacker, bomb]);
bombsDone();
const withBombs = await alongside;
const peak = await procStatusKb(functionPid, "VmHWM") / 1024;
await db.close();

const ms = (value: number) => value.toFixed(1);
console.log(`bomb: ${(bomb.byteLength / 1000).toFixed(0)} KB on the wire, 480 MiB inflated`);
const sample = legitGzipBatch(senders[0]);
console.log(`legit gzip batch: about ${(sample.byteLength / 1000).toFixed(0)} KB on the wire`);
console.log(`${rounds} rounds of ${parallel} parallel posts each`);
console.log(`bomb answers: ${JSON.stringify(bombCost.statuses)}, p50 ${ms(bombCost.p50)} ms`);
console.log(
  `function CPU per post: bomb ${ms(bombCost.cpuPerPost)} ms, legit gzip batch ${
    ms(legitCost.cpuPerPost)
  } ms (answers ${JSON.stringify(legitCost.statuses)})`,
);
console.log(
  `function RSS before the bombs ${ms(rssBefore)} MB, peak during them ${ms(peak)} MB${
    peakReset ? "" : " (VmHWM could not be reset: peak over the whole life)"
  }`,
);
console.log(
  `bystander single events: alone p50 ${ms(quantile(alone, 0.5))} ms, max ${
    ms(Math.max(...alone))
  } ms; with bombs in flight p50 ${ms(quantile(withBombs, 0.5))} ms, max ${
    ms(Math.max(...withBombs))
  } ms (${withBombs.length} requests)`,
);
