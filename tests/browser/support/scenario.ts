/**
 * One browser scenario: fresh database fixtures, a fresh Chromium with one context, and a record
 * of what that context sent to the function. Everything is closed afterwards, pass or fail.
 *
 * @example
 * ```ts
 * browserTest("online events land once", async ({ db, context }) => {
 *   const page = await openTrackerPage(context);
 *   // ...
 * });
 * ```
 */
import type { Browser, BrowserContext } from "playwright-core";
import { type Fixtures, withFixtures } from "../../support/fixtures.ts";
import { newTestContext, withBrowser } from "./browser.ts";
import { recordTrackRequests } from "./wire.ts";

export interface Scenario {
  db: Fixtures;
  browser: Browser;
  context: BrowserContext;
  wire: ReturnType<typeof recordTrackRequests>;
}

/** Registers a Deno test that runs `fn` in a fresh browser against the local stack. */
export function browserTest(name: string, fn: (scenario: Scenario) => Promise<void>): void {
  Deno.test({
    name,
    fn: () =>
      withFixtures((db) =>
        withBrowser(async (browser) => {
          const context = await newTestContext(browser);
          const wire = recordTrackRequests(context);
          try {
            await fn({ db, browser, context, wire });
          } finally {
            await context.close();
          }
        })
      ),
  });
}
