import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { dashboardUrl, openDashboardPage, refreshesOf, sendStage } from "./support/dashboard.ts";
import { authClient, newEmail } from "../support/auth_client.ts";
import { waitUntil } from "./support/wait.ts";

const PASSWORD = "dashboard-pass-1";

browserTest(
  "the dashboard signs in with email and password, keeps the session, and sends it to no other API",
  async ({ db, context }) => {
    const email = newEmail("fay");
    const { data } = await authClient(db.env).auth.signUp({ email, password: PASSWORD });
    const user = { id: data.user!.id, email, token: data.session!.access_token };
    const job = await db.createJob(user.id);
    await sendStage(db, user, job, "render", { startMsAgo: 20_000, latencyMs: 3_000 });

    const page = await openDashboardPage(context, { refresh: "300" });
    assert.match(
      await page.locator("#sign-in-api").textContent() ?? "",
      /Signs in to http:\/\/127/,
    );
    await page.locator("#email").fill(email);
    await page.locator("#password").fill("not-the-password");
    await page.locator("#password-sign-in button").click();
    await waitUntil(
      "the refusal",
      async () => (await page.locator("#sign-in-error").textContent()) || undefined,
    ).then((message) => assert.equal(message, "Invalid login credentials"));
    assert.equal(await page.locator("article.job").count(), 0, "no data after a refusal");

    await page.locator("#password").fill(PASSWORD);
    await page.locator("#password-sign-in button").click();
    await waitUntil(
      "the user's job",
      async () => (await page.locator(`[data-job-id="${job}"]`).count()) > 0 ? true : undefined,
    );
    assert.ok(!(await page.content()).includes(PASSWORD), "the password is not on the page");

    // A reload keeps the session; a link naming another API does not get it.
    await page.reload();
    await waitUntil(
      "the job after a reload",
      async () => (await page.locator(`[data-job-id="${job}"]`).count()) > 0 ? true : undefined,
    );
    // Its host begins like 127.0.0.1, so supabase-js's default key (`sb-127-auth-token`) would
    // hand it the local session.
    const sentElsewhere: (string | null)[] = [];
    await context.route("http://127.other-api.example/**", async (route) => {
      sentElsewhere.push(await route.request().headerValue("authorization"));
      await route.abort().catch(() => {});
    });
    await page.goto(await dashboardUrl({ api: "http://127.other-api.example", refresh: "300" }));
    await waitUntil(
      "the other API's first refresh",
      async () => (await refreshesOf(page)) >= 1 ? true : undefined,
    );
    assert.equal(await page.locator("#sign-in").count(), 1, "the other API needs its own sign-in");
    assert.deepEqual(
      sentElsewhere.filter((authorization) => authorization?.includes(".")),
      [],
      "no token went to the other API",
    );
  },
);
