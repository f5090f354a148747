/**
 * Typed calls into the test page's `window.trackerDriver` (tests/browser/pages/tracker_driver.js),
 * which uses only the SDK's public API.
 *
 * @example
 * ```ts
 * const tracker = driverOf(page);
 * await tracker.start({ token: user.token, apiKey: env.anonKey });
 * const ids = await tracker.track(20, { job_id: job });
 * ```
 */
import type { Page } from "playwright-core";

export interface StartOptions {
  token: string | null;
  apiKey: string;
  flushAt?: number;
  flushIntervalMs?: number;
  /** Each getAccessToken answer takes this long. */
  tokenDelayMs?: number;
}

export interface TrackOptions {
  name?: string;
  job_id?: string;
  stage?: string;
  tab?: string;
}

export interface TrackerStats {
  queued: number;
  sent: number;
  duplicates: number;
  dropped: number;
}

interface TrackerDriver {
  start(options: StartOptions): void;
  setToken(token: string | null): void;
  track(count: number, options: TrackOptions): string[];
  flush(): Promise<boolean>;
  stats(): TrackerStats;
  tokenRequests(): { forceRefresh: boolean }[];
  tokenAnswers(): number;
  errors(): string[];
  reports(): { code: string; status: number | null }[];
  online(): boolean;
  locksHeld(): Promise<number>;
  storedRecords(): Promise<number>;
  close(): Promise<void>;
}

type PageGlobal = { trackerDriver: TrackerDriver };

/** The page's driver, one page.evaluate per call. */
export function driverOf(page: Page) {
  return {
    start: (options: StartOptions) =>
      page.evaluate((o) => (globalThis as unknown as PageGlobal).trackerDriver.start(o), options),
    setToken: (token: string | null) =>
      page.evaluate((t) => (globalThis as unknown as PageGlobal).trackerDriver.setToken(t), token),
    track: (count: number, options: TrackOptions = {}) =>
      page.evaluate(
        ([n, o]) => (globalThis as unknown as PageGlobal).trackerDriver.track(n, o),
        [count, options] as const,
      ),
    flush: () => page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.flush()),
    stats: () => page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.stats()),
    tokenRequests: () =>
      page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.tokenRequests()),
    tokenAnswers: () =>
      page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.tokenAnswers()),
    errors: () => page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.errors()),
    reports: () =>
      page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.reports()),
    online: () => page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.online()),
    locksHeld: () =>
      page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.locksHeld()),
    /** Records in the origin's IndexedDB: tells a test when tracked events reached the disk. */
    storedRecords: () =>
      page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.storedRecords()),
    close: () => page.evaluate(() => (globalThis as unknown as PageGlobal).trackerDriver.close()),
  };
}

export type Driver = ReturnType<typeof driverOf>;

/** What tests/browser/pages/fetch_log.js recorded of the page's calls to the function. */
export interface LoggedFetch {
  url: string;
  method: string;
  keepalive: boolean;
  visibility: string;
  online: boolean;
  /** The `sub` of the request's bearer token. */
  sub: string | null;
  /** The event ids in a plain JSON body; null for a gzip body. */
  eventIds: string[] | null;
}

/** Reads the fetch log; it lives in localStorage, so any page of the origin can read it. */
export function fetchLogOf(page: Page): Promise<LoggedFetch[]> {
  return page.evaluate(() =>
    JSON.parse(
      (globalThis as unknown as { localStorage: { getItem(key: string): string | null } })
        .localStorage.getItem("trackEventFetchLog") ?? "[]",
    )
  );
}
