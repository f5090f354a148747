/**
 * `createAnalytics` on the core's fakes: a fake server, a fake clock for delivery, memory
 * settings that a second instance can share (a reload), and the debug lines collected.
 *
 * @module
 */
import { type AnalyticsOptions, createAnalytics } from "../src/analytics.ts";
import type { SettingsStorage } from "../src/settings.ts";
import { createCoreTracker } from "../src/tracker.ts";
import { errorLog, fakeClock, fakePlatform, fakeStorage, fakeToken } from "./fakes.ts";
import { fakeServer } from "./fake_server.ts";
import { URL_ } from "./rig.ts";

export function memorySettings(): SettingsStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

export function analyticsRig(options: Partial<AnalyticsOptions> = {}) {
  const clock = fakeClock();
  const server = fakeServer();
  const storage = fakeStorage();
  const settings = memorySettings();
  const log = errorLog();
  const debug: string[] = [];
  const time = { now: Date.UTC(2026, 11, 3, 9) };
  let tokenCalls = 0;
  const make = (more: Partial<AnalyticsOptions> = {}) =>
    createAnalytics({
      url: URL_,
      apiKey: "anon-key",
      getAccessToken: () => {
        tokenCalls++;
        return Promise.resolve(fakeToken("alice"));
      },
      onError: log.onError,
      settings,
      now: () => time.now,
      debug: (message) => void debug.push(message),
      browserContext: false,
      ...options,
      ...more,
    }, (o) => createCoreTracker(o, storage, fakePlatform(clock, (u, i) => server.fetch(u, i))));
  /** The events the server received, in order. */
  const sent = () => server.requests.flatMap((q) => q.body.events);
  return {
    clock,
    server,
    storage,
    settings,
    log,
    debug,
    time,
    tokenCalls: () => tokenCalls,
    sent,
    analytics: make(),
    make,
  };
}
