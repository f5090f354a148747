import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { openDashboardPage } from "./support/dashboard.ts";
import { openNewcomerPage } from "./support/newcomer.ts";
import { signUserToken } from "../support/fixtures.ts";
import { newEmail } from "../support/auth_client.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "a newcomer signs up with supabase-js, tracks through the SDK's adapter, and sees it on the dashboard",
  async ({ db, context, wire }) => {
    const app = await openNewcomerPage(context, db.env.apiUrl);
    const email = newEmail("newcomer");
    const password = "first-hour-pass";
    const { userId, error } = await app.signUp(db.env.anonKey, email, password);
    assert.ok(userId, `signed up: ${error}`);
    const job = await app.createJob("first export");

    // The stored token is refused once: the adapter refreshes the session and sends again.
    await app.spoilAccessToken(
      await signUserToken(db.env.jwtSecret, { sub: userId, expiresInSeconds: -120 }),
    );
    await app.start(db.env.anonKey);
    const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const ids = [
      await app.track("stage_started", { job_id: job, stage: "fetch", occurred_at: at(9_000) }),
      await app.track("stage_completed", { job_id: job, stage: "fetch", occurred_at: at(4_000) }),
    ];
    assert.equal(await app.flush(), true, "flushed");
    assert.deepEqual(await app.errors(), [], "nothing dropped");
    const statuses = (await wire.requests()).map((sent) => sent.status);
    assert.equal(statuses[0], 401, "the spoiled token was refused");
    assert.equal(statuses.at(-1), 201, "the refreshed one was accepted");
    const stored = await db.eventsOf(userId);
    assert.deepEqual(stored.map((row) => row.event_id).sort(), ids.sort(), "each event once");
    await app.close();

    // The dashboard, signed in with the same email and password, shows the job and its stage.
    const dashboard = await openDashboardPage(context, { refresh: "300" });
    await dashboard.locator("#email").fill(email);
    await dashboard.locator("#password").fill(password);
    await dashboard.locator("#password-sign-in button").click();
    const article = dashboard.locator(`article.job[data-job-id="${job}"]`);
    await waitUntil(
      "the newcomer's job on the dashboard",
      async () => (await article.count()) === 1 ? true : undefined,
    );
    assert.match(await article.textContent() ?? "", /fetch/);
  },
);
