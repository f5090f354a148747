import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { openDashboard, openDashboardPage, refreshesOf } from "./support/dashboard.ts";
import { signUserToken } from "../support/fixtures.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "an expired token shows the sign-in prompt, not a blank page",
  async ({ db, context }) => {
    const user = await db.createUser("dave");
    await db.createJob(user.id);
    const expired = await signUserToken(db.env.jwtSecret, { sub: user.id, expiresInSeconds: -60 });
    const page = await openDashboard(context, expired, { refresh: "300" });
    assert.equal(await page.locator("#sign-in h2").textContent(), "Your session has expired");
    assert.ok(
      await page.locator("#token").isVisible(),
      "the token field is there to sign in again",
    );
    assert.equal(await page.locator("#jobs").count(), 0, "no data is shown");
    assert.ok(!(await page.content()).includes(expired), "the token is not on the page");

    // Signing in again with a fresh token shows the user's jobs.
    const before = await refreshesOf(page);
    await page.locator("#token").fill(user.token);
    await page.locator("#token-sign-in button").click();
    await waitUntil(
      "a refresh after signing in again",
      async () => (await refreshesOf(page)) > before ? true : undefined,
    );
    assert.equal(await page.locator("article.job").count(), 1);
  },
);

browserTest("without a token the page asks to sign in", async ({ context }) => {
  const page = await openDashboardPage(context);
  assert.equal(await page.locator("#sign-in h2").textContent(), "Sign in to see your jobs");
});
