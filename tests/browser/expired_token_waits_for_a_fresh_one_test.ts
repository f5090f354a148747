import assert from "node:assert/strict";
import { signUserToken } from "../support/fixtures.ts";
import { openTrackerPage } from "./support/browser.ts";
import { driverOf } from "./support/driver.ts";
import { assertStoredOnce, rowsFor, waitForRows } from "./support/rows.ts";
import { browserTest } from "./support/scenario.ts";
import { waitUntil } from "./support/wait.ts";

browserTest(
  "after a 401 for an expired token, the events wait and land with the fresh token",
  async (
    { db, context, wire },
  ) => {
    const user = await db.createUser("expired");
    const expired = await signUserToken(db.env.jwtSecret, { sub: user.id, expiresInSeconds: -60 });
    const tracker = driverOf(await openTrackerPage(context));
    await tracker.start({
      token: expired,
      apiKey: db.env.anonKey,
      flushAt: 10,
      flushIntervalMs: 200,
    });

    const ids = await tracker.track(30, { stage: "refresh" });
    // The server refuses the expired token; the SDK then asks the app for a fresh one.
    await waitUntil("a 401 and a token request with forceRefresh", async () => {
      const refused = (await wire.requests()).some((request) => request.status === 401);
      const asked = (await tracker.tokenRequests()).some((request) => request.forceRefresh);
      return refused && asked ? true : undefined;
    });
    assert.deepEqual(await rowsFor(db, ids), [], "nothing is stored with the expired token");
    assert.equal((await tracker.stats()).dropped, 0, "a 401 drops nothing");

    await tracker.setToken(user.token); // the app's session refreshed

    assertStoredOnce(await waitForRows(db, ids), ids, user.id);
    const acknowledged = await wire.acknowledged(ids);
    assert.deepEqual([...acknowledged.values()].filter((n) => n !== 1), [], "none sent twice");
    for (const request of await wire.requests()) {
      const fresh = request.token === user.token;
      if (request.status === 401) assert.ok(!fresh, "only the expired token is refused");
      else assert.ok(fresh, "every accepted request carries the fresh token");
    }
  },
);
