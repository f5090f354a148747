import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { dashboardUrl, openDashboard, refreshesOf } from "./support/dashboard.ts";
import { waitUntil } from "./support/wait.ts";

// A server the crafted link names; the browser never reaches it: the route records and aborts.
const OTHER_API = "http://other-api.example";

browserTest(
  "a token pasted for the local API is not sent to a server named by a later ?api=",
  async ({ db, context }) => {
    const user = await db.createUser("erin");
    await db.createJob(user.id);
    const sentElsewhere: { url: string; authorization: string | undefined }[] = [];
    await context.route(`${OTHER_API}/**`, async (route) => {
      const request = route.request();
      sentElsewhere.push({
        url: request.url(),
        authorization: await request.headerValue("authorization") ?? undefined,
      });
      await route.abort().catch(() => {});
    });
    const page = await openDashboard(context, user.token, { refresh: "300" });
    assert.equal(await page.locator("article.job").count(), 1, "signed in on the local API");

    // The same tab follows a link that names another API.
    await page.goto(await dashboardUrl({ api: OTHER_API, refresh: "300" }));
    await waitUntil(
      "the first refresh against the other API",
      async () => (await refreshesOf(page)) >= 1 ? true : undefined,
    );
    assert.deepEqual(
      sentElsewhere.filter((request) => request.authorization?.includes(user.token)),
      [],
      "the pasted token never went to the other API",
    );
    assert.equal(await page.locator("#sign-in").count(), 1, "the other API needs its own sign-in");

    // Back on the local API, the token pasted for it still signs the tab in.
    await page.goto(await dashboardUrl({ refresh: "300" }));
    await waitUntil(
      "the local API's jobs again",
      async () => (await page.locator("article.job").count()) === 1 ? true : undefined,
    );
  },
);
