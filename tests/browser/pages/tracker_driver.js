// The test driver: the browser tests call `globalThis.trackerDriver` through page.evaluate. It uses
// the SDK's public API only, exactly as an app would.

// The gateway serves the SDK's browser build there; the specifier is a variable so that Deno's
// type checker, which sees this file too, does not try to resolve a path only the browser knows.
const SDK_URL = "/sdk/track-event.js";
const { createTracker } = await import(SDK_URL);
import { storedRecords } from "./stored_records.js";

let tracker;
let token = null;
const tokenRequests = [];
let tokenAnswers = 0;
const errors = [];
const reports = [];

globalThis.trackerDriver = {
  /**
   * Creates the tracker; `token` is what getAccessToken answers until setToken changes it. With
   * `tokenDelayMs`, each answer takes that long (a session refresh on a slow network), and is the
   * token current when it was asked.
   */
  start(options) {
    token = options.token ?? null;
    tracker = createTracker({
      url: `${location.origin}/functions/v1/track-event`,
      apiKey: options.apiKey,
      getAccessToken: ({ forceRefresh } = {}) => {
        tokenRequests.push({ forceRefresh: forceRefresh === true });
        const current = token;
        const answer = () => {
          tokenAnswers++;
          return current;
        };
        if (!options.tokenDelayMs) return Promise.resolve(answer());
        return new Promise((resolve) => setTimeout(() => resolve(answer()), options.tokenDelayMs));
      },
      flushAt: options.flushAt,
      flushIntervalMs: options.flushIntervalMs,
      onError: (error) => {
        errors.push(error.code);
        reports.push({ code: error.code, status: error.status ?? null });
      },
    });
  },
  /** What the app's auth state says from now on, as after a sign-in, refresh or sign-out. */
  setToken(next) {
    token = next;
  },
  /** Tracks `count` events and returns their ids, as `track` gave them. */
  track(count, { name = "browser_test", job_id, stage, tab = "main" } = {}) {
    const ids = [];
    for (let i = 0; i < count; i++) {
      ids.push(tracker.track(name, { job_id, stage, properties: { i, tab } }));
    }
    return ids;
  },
  /** True once everything tracked before was acknowledged or dropped; false after 30 s. */
  flush: () => tracker.flush({ timeoutMs: 30_000 }),
  stats: () => tracker.stats(),
  tokenRequests: () => tokenRequests.slice(),
  /** How many getAccessToken calls have answered. */
  tokenAnswers: () => tokenAnswers,
  errors: () => errors.slice(),
  /** Each onError call's code and HTTP status (null without one). */
  reports: () => reports.slice(),
  online: () => navigator.onLine,
  /** Web Locks held in this origin: the SDK holds one in the tab elected to send. */
  locksHeld: async () => (await navigator.locks.query()).held.length,
  storedRecords,
  close: () => tracker.close(),
};
