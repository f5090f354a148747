/**
 * Typed calls into the newcomer page's `globalThis.newcomer` (tests/browser/pages/
 * newcomer_driver.js): supabase-js for sign-up, the SDK's supabase adapter for tokens.
 *
 * @example
 * ```ts
 * const app = await openNewcomerPage(context, env.apiUrl);
 * const { userId } = await app.signUp(env.anonKey, email, password);
 * ```
 */
import type { BrowserContext, Page } from "playwright-core";
import { serveSupabaseJs } from "./supabase_bundle.ts";

interface TrackOptions {
  job_id: string;
  stage: string;
  occurred_at: string;
}

interface NewcomerDriver {
  signUp(
    anonKey: string,
    email: string,
    password: string,
  ): Promise<{ userId?: string; error?: string }>;
  createJob(name: string): Promise<string>;
  spoilAccessToken(token: string): void;
  start(anonKey: string): void;
  track(name: string, options: TrackOptions): string;
  flush(): Promise<boolean>;
  errors(): string[];
  close(): Promise<void>;
}

type PageGlobal = { newcomer: Record<string, (...args: unknown[]) => unknown> };

export async function openNewcomerPage(context: BrowserContext, apiUrl: string) {
  await serveSupabaseJs(context);
  const page: Page = await context.newPage();
  const response = await page.goto(`${apiUrl}/test-pages/newcomer.html`);
  if (!response?.ok()) throw new Error(`newcomer.html answered ${response?.status()}`);
  await page.waitForFunction(() => "newcomer" in globalThis, undefined, { timeout: 15_000 });
  // The page's own function, by name: evaluate sends the arguments, not this closure.
  const call = <K extends keyof NewcomerDriver>(name: K, ...args: Parameters<NewcomerDriver[K]>) =>
    page.evaluate(
      ([name, args]) => (globalThis as unknown as PageGlobal).newcomer[name](...args),
      [name, args] as [string, unknown[]],
    ) as Promise<Awaited<ReturnType<NewcomerDriver[K]>>>;
  return {
    signUp: (anonKey: string, email: string, password: string) =>
      call("signUp", anonKey, email, password),
    createJob: (name: string) => call("createJob", name),
    spoilAccessToken: (token: string) => call("spoilAccessToken", token),
    start: (anonKey: string) => call("start", anonKey),
    track: (name: string, options: TrackOptions) => call("track", name, options),
    flush: () => call("flush"),
    errors: () => call("errors"),
    close: () => call("close"),
  };
}
