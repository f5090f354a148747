import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { openDashboard, refreshesOf } from "./support/dashboard.ts";
import { waitUntil } from "./support/wait.ts";

/** A port nothing listens on: bound by the OS, then released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

browserTest(
  "an unreachable API shows an error state and keeps retrying",
  async ({ db, context }) => {
    const user = await db.createUser("erin");
    const api = `http://127.0.0.1:${closedPort()}`;
    const page = await openDashboard(context, user.token, { api, refresh: "300" });
    assert.equal(await page.locator("#error h2").textContent(), `Cannot reach the API at ${api}`);
    assert.equal(await page.locator("#jobs").count(), 0, "no data is shown");
    const seen = await refreshesOf(page);
    await waitUntil(
      "another attempt",
      async () => (await refreshesOf(page)) > seen ? true : undefined,
    );
    assert.equal(await page.locator("#error").count(), 1, "still the error after retrying");
  },
);
