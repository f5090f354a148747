/**
 * Fakes for the SDK's tests: a clock with timers that run only when the test advances it, a
 * storage that can fail, access tokens, and a server that deduplicates by (user, event id) as the
 * real function does and records which user's token carried each event.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import type { Platform } from "../src/platform.ts";
import type { QueuedEvent, Storage, TrackerError } from "../src/types.ts";

/** A manual clock: timers fire only inside `advance` / `runUntil`. */
export function fakeClock(start = Date.UTC(2026, 10, 27, 10)) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  // setImmediate, not setTimeout(0): nested zero timeouts are clamped to 4 ms.
  const realTick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const clock = {
    now: () => now,
    setTimeout: (fn: () => void, ms: number) => {
      timers.set(++seq, { at: now + Math.max(0, ms), fn });
      return seq;
    },
    clearTimeout: (id: unknown) => void timers.delete(id as number),
    pending: () => timers.size,
    /** Lets every promise chain that waits on nothing but other promises settle. */
    async settle() {
      for (let i = 0; i < 3; i++) await realTick();
    },
    /** Fires the earliest timer (moving time to it); false when there is none. */
    async step(): Promise<boolean> {
      await clock.settle();
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers) if (!first || entry[1].at < first[1].at) first = entry;
      if (!first) return false;
      timers.delete(first[0]);
      now = Math.max(now, first[1].at);
      first[1].fn();
      await clock.settle();
      return true;
    },
    /** Moves time forward by `ms`, firing the timers due on the way. */
    async advance(ms: number) {
      const end = now + ms;
      for (let steps = 0;; steps++) {
        if (steps > 10_000) throw new Error("advance: timers keep firing without time passing");
        await clock.settle();
        const due = [...timers.values()].some((t) => t.at <= end);
        if (!due || !(await clock.step())) break;
      }
      now = Math.max(now, end);
      await clock.settle();
    },
    /** Steps timers until `done()` holds; throws after `maxSteps` or when nothing is left. */
    async runUntil(done: () => boolean, maxSteps = 2_000) {
      for (let i = 0; i < maxSteps; i++) {
        await clock.settle();
        if (done()) return;
        if (!(await clock.step())) {
          await clock.settle();
          if (done()) return;
          throw new Error("runUntil: no timer left and the condition does not hold");
        }
      }
      const due = [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b).slice(0, 5);
      throw new Error(`runUntil: condition not met after ${maxSteps} steps; timers due in ${due}`);
    },
  };
  return clock;
}

export type FakeClock = ReturnType<typeof fakeClock>;

/** A JWT-shaped token for `sub`; `version` makes a different token for the same user. */
export function fakeToken(sub: string, version = 0): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "HS256" })}.${part({ sub, v: version, role: "authenticated" })}.sig`;
}

/** A seeded random in [0, 1) (mulberry32), so backoff delays repeat from run to run. */
export function seededRandom(seed = 1): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Memory storage whose operations can be made to fail, and whose content tests can read. */
export function fakeStorage() {
  const events = new Map<string, QueuedEvent>();
  const storage: Storage & { events: Map<string, QueuedEvent>; failWrites: boolean } = {
    events,
    failWrites: false,
    load: () => Promise.resolve([...events.values()].map((e) => structuredClone(e))),
    put(list) {
      if (storage.failWrites) return Promise.reject(new Error("disk full"));
      for (const e of list) events.set(e.id, structuredClone(e));
      return Promise.resolve();
    },
    remove(ids) {
      if (storage.failWrites) return Promise.reject(new Error("disk full"));
      for (const id of ids) events.delete(id);
      return Promise.resolve();
    },
  };
  return storage;
}

/** A platform on the fake clock; `fetch` is the test's. */
export function fakePlatform(
  clock: FakeClock,
  fetch: Platform["fetch"],
  extra: Partial<Platform> = {},
): Platform {
  return {
    fetch,
    now: clock.now,
    // The middle of every jitter range: retries visibly wait, and tests stay repeatable.
    random: () => 0.5,
    randomBytes: (bytes) => crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>),
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    ...extra,
  };
}

/** Collects `onError` calls. */
export function errorLog() {
  const errors: TrackerError[] = [];
  return { errors, onError: (error: TrackerError) => void errors.push(error) };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
