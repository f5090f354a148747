import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { refreshesOf } from "./support/dashboard.ts";
import { loadStackEnv } from "../support/stack_env.ts";
import { waitUntil } from "./support/wait.ts";

// The same build, served from a public-looking origin: the browser's requests to it are answered
// by the local gateway, so the page runs exactly as it would on a static host.
const HOST = "http://dashboard.example";

browserTest(
  "served from another host, the page offers no token field and ignores ?api=",
  async ({ context }) => {
    const { apiUrl } = await loadStackEnv();
    const requested: string[] = [];
    const restCalls: string[] = [];
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      requested.push(new URL(url).origin);
      if (url.includes("/rest/v1/")) restCalls.push(url);
      // A request still open when the context closes rejects; the assertions below decide.
      if (!url.startsWith(HOST)) return await route.abort().catch(() => {});
      await route.fetch({ url: apiUrl + url.slice(HOST.length) })
        .then((response) => route.fulfill({ response })).catch(() => {});
    });
    const page = await context.newPage();
    await page.goto(`${HOST}/dashboard/?api=http://attacker.example`);
    await waitUntil(
      "the first refresh",
      async () => (await refreshesOf(page)) >= 1 ? true : undefined,
    );
    assert.equal(await page.locator("#sign-in").count(), 1, "the sign-in prompt is shown");
    assert.equal(await page.locator("#token").count(), 0, "no field to paste a token into");
    assert.equal(await page.locator("#password-sign-in").count(), 1, "email and password instead");

    // With a host app's session in place, the reads go to the page's own project, not to ?api=.
    // The session as the host app's supabase-js stores it (it drops one without these fields).
    await page.evaluate(() =>
      localStorage.setItem(
        "sb-dashboard-auth-token",
        JSON.stringify({
          access_token: "x.y.z",
          refresh_token: "host-refresh",
          token_type: "bearer",
          expires_in: 3600,
          expires_at: Math.floor(Date.now() / 1000) + 3600,
          user: { id: "00000000-0000-4000-8000-000000000001" },
        }),
      )
    );
    assert.equal(restCalls.length, 0, "no reads without a session");
    await page.reload();
    await waitUntil(
      "the reads with the session",
      () => Promise.resolve(restCalls.length >= 4 ? true : undefined),
    );
    assert.ok(
      restCalls.every((url) => url.startsWith(`${HOST}/rest/v1/`)),
      "reads go to the page's project",
    );
    assert.ok(!requested.includes("http://attacker.example"), "nothing was sent to the ?api= host");
  },
);
