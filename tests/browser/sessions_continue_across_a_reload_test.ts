import assert from "node:assert/strict";
import { loadAnalyticsPage, openAnalyticsPage } from "./support/analytics_app.ts";
import { contextRowsFor } from "./support/context_rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest(
  "a session id continues across a reload, and a new one starts after 30 minutes idle",
  async ({ db, context }) => {
    const { page, app } = await openAnalyticsPage(context, db.env.apiUrl);
    await app.start(db.env.anonKey);
    const { userId } = await app.signInAnonymously();
    const first = await app.track(1, "before_reload");
    assert.equal(await app.flush(), true);

    const reloaded = await loadAnalyticsPage(page, db.env.apiUrl);
    await reloaded.start(db.env.anonKey); // supabase-js keeps the anonymous session in storage
    const second = await reloaded.track(1, "after_reload");
    assert.equal(await reloaded.flush(), true);

    // 31 minutes without an event, then a reload: the stored session is over.
    await reloaded.ageSession(31 * 60_000);
    const idle = await loadAnalyticsPage(page, db.env.apiUrl);
    await idle.start(db.env.anonKey);
    const third = await idle.track(1, "after_idle");
    assert.equal(await idle.flush(), true);

    const ids = [...first, ...second, ...third];
    const rows = await contextRowsFor(db, ids);
    assert.deepEqual(rows.map((row) => [row.event_id, row.user_id]), ids.map((id) => [id, userId]));
    const [a, b, c] = rows.map((row) => row.context.session_id);
    assert.match(
      String(a),
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(b, a, "the reload continued the session");
    assert.notEqual(c, a, "31 idle minutes started a new one");
  },
);
