/**
 * `scripts/bench --sdk-memory`: what a hung `getAccessToken` costs a tracker's memory. A tracker
 * (memory storage, `maxQueueEvents` 1,000) tracks while every token lookup hangs, in chunks of
 * 1,000 calls per macrotask as a running app would; the heap is measured after a full GC once
 * the queue is at its cap, and again after `--calls` more `track()` calls. Three lookups: a
 * fresh promise that never settles, one shared promise that never settles, and (the reference)
 * a lookup that answers.
 *
 *   scripts/bench --sdk-memory [--calls 400000] [--module path/to/track-event.js]
 *
 * `--module` measures another build (an older one, say) through the same public API.
 *
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--sdk-memory"),
  options: { calls: { type: "string", default: "400000" }, module: { type: "string" } },
});
const calls = Number(values.calls);
const source = values.module
  ? new URL(values.module, `file://${Deno.cwd()}/`).href
  : new URL("../../packages/client/src/index.ts", import.meta.url).href;
const sdk = await import(source);
// deno-lint-ignore no-explicit-any
const gc = (globalThis as any).gc as () => void;
if (typeof gc !== "function") throw new Error("run with --v8-flags=--expose-gc");

const TOKEN = "h.eyJzdWIiOiJ1In0.s";
const never = new Promise<string>(() => {});
const lookups: Record<string, () => Promise<string>> = {
  "a fresh promise that never settles": () => new Promise<string>(() => {}),
  "one shared promise that never settles": () => never,
  "a lookup that answers (reference)": () => Promise.resolve(TOKEN),
};

const heap = () => {
  gc();
  gc();
  return Deno.memoryUsage().heapUsed;
};
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function measure(getAccessToken: () => Promise<string>) {
  let errors = 0;
  const tracker = sdk.createCoreTracker(
    {
      url: "http://127.0.0.1:9/unused",
      apiKey: "anon",
      getAccessToken,
      maxQueueEvents: 1000,
      flushIntervalMs: 3_600_000,
      flushAt: 1_000_000,
      onError: () => errors++,
    },
    sdk.memoryStorage(),
    { ...sdk.globalPlatform(), fetch: () => new Promise(() => {}) },
  );
  const track = async (n: number) => {
    for (let i = 0; i < n; i += 1000) {
      for (let j = 0; j < 1000; j++) tracker.track("e", { properties: { i: i + j } });
      await macrotask();
    }
  };
  await track(20_000);
  const before = heap();
  await track(calls);
  const after = heap();
  const queued = tracker.stats().queued;
  return { before, after, perCall: (after - before) / calls, queued, errors };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
console.log(`${calls} track() calls after a warm-up of 20,000; maxQueueEvents 1,000; ${source}`);
console.log("| getAccessToken | heap before (MB) | heap after (MB) | bytes per track() | queued |");
console.log("| --- | --- | --- | --- | --- |");
for (const [name, lookup] of Object.entries(lookups)) {
  const r = await measure(lookup);
  console.log(
    `| ${name} | ${mb(r.before)} | ${mb(r.after)} | ${r.perCall.toFixed(1)} | ${r.queued} |`,
  );
}
Deno.exit(0);
