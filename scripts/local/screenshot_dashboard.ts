/**
 * Regenerates docs/dashboard.png: a fresh user with two jobs (one finished, one with a stage still
 * open), their events sent through the function, and the dashboard as that user sees it.
 * Run through `scripts/screenshot-dashboard`, which builds the page first.
 *
 * @module
 */
import { withFixtures } from "../../tests/support/fixtures.ts";
import { newTestContext, withBrowser } from "../../tests/browser/support/browser.ts";
import { createUserWithJobs, openDashboard } from "../../tests/browser/support/dashboard.ts";

const output = new URL("../../docs/dashboard.png", import.meta.url).pathname;

await withFixtures((db) =>
  withBrowser(async (browser) => {
    const alice = await createUserWithJobs(db, "alice");
    const context = await newTestContext(browser);
    const page = await openDashboard(context, alice.user.token);
    await page.setViewportSize({ width: 1280, height: 760 });
    await page.screenshot({ path: output });
    await context.close();
  })
);
console.log(`wrote ${output}`);
