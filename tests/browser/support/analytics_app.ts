/**
 * Typed calls into the analytics page's `globalThis.analyticsApp` (tests/browser/pages/
 * analytics_driver.js): supabase-js for sign-in, the SDK's analytics layer for events.
 *
 * @example
 * ```ts
 * const app = await openAnalyticsPage(context, env.apiUrl);
 * await app.start(env.anonKey);
 * const { userId } = await app.signInAnonymously();
 * ```
 */
import type { BrowserContext, Page } from "playwright-core";
import { serveSupabaseJs } from "./supabase_bundle.ts";

export interface SignedIn {
  userId?: string;
  anonymous?: boolean;
  error?: string;
}

interface AnalyticsApp {
  start(anonKey: string, options?: { appVersion?: string; sessionIdleMs?: number }): void;
  signInAnonymously(): Promise<SignedIn>;
  linkEmail(email: string, password: string): Promise<SignedIn>;
  signIn(email: string, password: string): Promise<SignedIn>;
  signOut(): Promise<string | null>;
  track(count: number, name?: string): string[];
  trackThenOptOut(count: number): string[];
  register(properties: Record<string, unknown>): void;
  optOut(): void;
  optIn(): void;
  optedOut(): boolean;
  sessionId(): string;
  ageSession(ms: number): void;
  flush(): Promise<boolean>;
  stats(): { queued: number; sent: number; duplicates: number; dropped: number };
  errors(): string[];
  debugLines(): string[];
  storedRecords(): Promise<number>;
  close(): Promise<void>;
}

type PageGlobal = { analyticsApp: Record<string, (...args: unknown[]) => unknown> };

/** Loads (or reloads) the analytics page in `page` and returns its typed driver. */
export async function loadAnalyticsPage(page: Page, apiUrl: string) {
  const response = await page.goto(`${apiUrl}/test-pages/analytics.html`);
  if (!response?.ok()) throw new Error(`analytics.html answered ${response?.status()}`);
  await page.waitForFunction(() => "analyticsApp" in globalThis, undefined, { timeout: 15_000 });
  const call = <K extends keyof AnalyticsApp>(name: K, ...args: Parameters<AnalyticsApp[K]>) =>
    page.evaluate(
      ([name, args]) => (globalThis as unknown as PageGlobal).analyticsApp[name](...args),
      [name, args] as [string, unknown[]],
    ) as Promise<Awaited<ReturnType<AnalyticsApp[K]>>>;
  const app = {} as {
    [K in keyof AnalyticsApp]: (
      ...args: Parameters<AnalyticsApp[K]>
    ) => Promise<Awaited<ReturnType<AnalyticsApp[K]>>>;
  };
  const names: (keyof AnalyticsApp)[] = [
    "start",
    "signInAnonymously",
    "linkEmail",
    "signIn",
    "signOut",
    "track",
    "trackThenOptOut",
    "register",
    "optOut",
    "optIn",
    "optedOut",
    "sessionId",
    "ageSession",
    "flush",
    "stats",
    "errors",
    "debugLines",
    "storedRecords",
    "close",
  ];
  // deno-lint-ignore no-explicit-any
  for (const name of names) (app as any)[name] = (...args: any[]) => (call as any)(name, ...args);
  return app;
}

/** A new tab on the analytics page, with supabase-js served to it. */
export async function openAnalyticsPage(context: BrowserContext, apiUrl: string) {
  await serveSupabaseJs(context);
  const page = await context.newPage();
  return { page, app: await loadAnalyticsPage(page, apiUrl) };
}
