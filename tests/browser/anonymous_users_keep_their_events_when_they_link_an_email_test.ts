import assert from "node:assert/strict";
import { newEmail } from "../support/auth_client.ts";
import { openAnalyticsPage } from "./support/analytics_app.ts";
import { contextRowsFor } from "./support/context_rows.ts";
import { browserTest } from "./support/scenario.ts";

browserTest(
  "an anonymous user's events before and after linking an email are one user's, and never another's",
  async ({ db, context, wire }) => {
    const { app } = await openAnalyticsPage(context, db.env.apiUrl);
    await app.start(db.env.anonKey);
    const anonymous = await app.signInAnonymously();
    assert.equal(anonymous.anonymous, true, JSON.stringify(anonymous));
    const before = await app.track(3, "before_linking");
    assert.equal(await app.flush(), true);

    const email = newEmail("linked");
    const linked = await app.linkEmail(email, "linked-password-1");
    assert.deepEqual(linked, { userId: anonymous.userId, anonymous: false }, "the same id");
    const after = await app.track(3, "after_linking");
    assert.equal(await app.flush(), true);

    // Signed out, an event has no user; then someone else signs in on the same page.
    assert.equal(await app.signOut(), null);
    const signedOut = await app.track(1, "signed_out");
    assert.equal(await app.flush(), true);
    const other = await app.signInAnonymously();
    assert.notEqual(other.userId, anonymous.userId);
    const others = await app.track(2, "someone_else");
    assert.equal(await app.flush(), true);

    // And the linked user signs back in with the email: still the same id.
    const back = await app.signIn(email, "linked-password-1");
    assert.equal(back.userId, anonymous.userId);
    const later = await app.track(1, "back_with_email");
    assert.equal(await app.flush(), true);

    const mine = [...before, ...after, ...later];
    const rows = await contextRowsFor(db, [...mine, ...signedOut, ...others]);
    const owners = new Map(rows.map((row) => [row.event_id, row.user_id]));
    assert.equal(rows.length, mine.length + others.length, "one row per event, none doubled");
    for (const id of mine) assert.equal(owners.get(id), anonymous.userId, id);
    for (const id of others) assert.equal(owners.get(id), other.userId, id);
    assert.equal(owners.has(signedOut[0]), false, "the signed-out event went to nobody");
    assert.ok((await app.errors()).includes("signed_out"));
    const [{ n }] = await db.sql`
      select count(*)::int as n from public.analytics_events where user_id = ${anonymous.userId!}`;
    assert.equal(n, mine.length, "the user has exactly their own events");
    for (const request of await wire.requests()) {
      const expected = request.eventIds.every((id) => mine.includes(id))
        ? anonymous.userId
        : other.userId;
      assert.equal(request.sub, expected, "each request carried its events' own user's token");
    }
  },
);
