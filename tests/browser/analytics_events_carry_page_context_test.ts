import assert from "node:assert/strict";
import { openAnalyticsPage } from "./support/analytics_app.ts";
import { contextRowsFor } from "./support/context_rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest(
  "events from the analytics layer carry the library, page, locale, time zone, screen, app version and session",
  async ({ db, context }) => {
    const { page, app } = await openAnalyticsPage(context, db.env.apiUrl);
    await app.start(db.env.anonKey, { appVersion: "9.8.7" });
    const { userId } = await app.signInAnonymously();
    await app.register({ plan: "trial" });
    const ids = await app.track(2);
    assert.equal(await app.flush(), true);
    const rows = await contextRowsFor(db, ids);
    assert.equal(rows.length, 2);
    const pkg = JSON.parse(
      await Deno.readTextFile(new URL("../../packages/client/package.json", import.meta.url)),
    );
    // What the page itself says, read the way the SDK reads it.
    const browser = await page.evaluate(`({
      locale: navigator.language,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen: { width: screen.width, height: screen.height },
    })`) as Record<string, unknown>;
    const sessionId = await app.sessionId();
    for (const [i, row] of rows.entries()) {
      assert.equal(row.user_id, userId);
      assert.deepEqual(row.properties, { plan: "trial", i });
      assert.deepEqual(row.context, {
        library: { name: pkg.name, version: pkg.version },
        session_id: sessionId,
        page: {
          path: "/test-pages/analytics.html",
          referrer: "",
          title: "track-event analytics test page",
        },
        ...browser,
        app: { version: "9.8.7" },
      });
    }
  },
);
