import assert from "node:assert/strict";
import { loadAnalyticsPage, openAnalyticsPage } from "./support/analytics_app.ts";
import { countFor } from "./support/rows.ts";
import { contextRowsFor } from "./support/context_rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest(
  "after optOut() nothing is sent or stored, in any tab, across a reload, until optIn()",
  async ({ db, context, wire }) => {
    const { page, app } = await openAnalyticsPage(context, db.env.apiUrl);
    await app.start(db.env.anonKey);
    const { userId } = await app.signInAnonymously();
    // A second tab of the origin, open before the opt-out.
    const secondTab = (await openAnalyticsPage(context, db.env.apiUrl)).app;
    await secondTab.start(db.env.anonKey);
    // Queued, then opted out in the same task: they are dropped before any send.
    const queued = await app.trackThenOptOut(3);
    assert.equal(queued.filter((id) => id === "").length, 0, "they were queued");
    assert.deepEqual(await app.track(2), ["", ""], "nothing is queued while opted out");
    assert.deepEqual(await secondTab.track(2), ["", ""], "nor in the origin's other tab");
    assert.equal(await secondTab.flush(), true);
    assert.equal(await app.flush(), true);

    const reloaded = await loadAnalyticsPage(page, db.env.apiUrl);
    await reloaded.start(db.env.anonKey);
    assert.equal(await reloaded.optedOut(), true, "the choice outlives the page");
    assert.deepEqual(await reloaded.track(2), ["", ""]);
    assert.equal(await reloaded.flush(), true);
    assert.deepEqual(await wire.requests(), [], "no request reached the function");
    assert.equal(await countFor(db, userId!), 0, "nothing was stored");
    const records = await reloaded.storedRecords();
    assert.equal(records, 0, "nothing is left in IndexedDB");

    await reloaded.optIn();
    const after = await reloaded.track(1, "opted_in");
    assert.equal(await reloaded.flush(), true);
    const rows = await contextRowsFor(db, [...queued, ...after]);
    assert.deepEqual(rows.map((row) => [row.event_id, row.user_id]), [[after[0], userId]]);
  },
);
