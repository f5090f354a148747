import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { insertDirectly, postEvents } from "../support/track_event.ts";

const CONTEXT = {
  library: { name: "@track-event/client", version: "0.1.0" },
  page: { path: "/pricing", referrer: "", title: "Pricing" },
  locale: "fr-FR",
  session_id: "0193a6c0-0000-7000-8000-000000000001",
};

Deno.test("context is stored in its own column, and {} when absent", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const response = await postEvents(db.env, alice.token, {
      events: [
        { event: "page_view", properties: { plan: "pro" }, context: CONTEXT },
        { event: "app_closed" },
      ],
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const rows = await db.eventsOf(alice.id);
    assert.deepEqual(rows.map((row) => [row.properties, row.context]), [
      [{ plan: "pro" }, CONTEXT],
      [{}, {}],
    ]);
  }));

Deno.test("a bad context is a clear 4xx naming context, and the batch stores nothing", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const notAnObject = await postEvents(db.env, alice.token, {
      events: [{ event: "ok" }, { event: "x", context: ["web"] }],
    });
    assert.equal(notAnObject.status, 400, JSON.stringify(notAnObject.body));
    assert.deepEqual(notAnObject.body.error, {
      code: "validation_failed",
      message: "Some events are not valid",
      issues: [{ index: 1, path: "context", message: "must be a JSON object" }],
      issue_count: 1,
    });

    const tooLarge = await postEvents(db.env, alice.token, {
      event: "x",
      context: { blob: "a".repeat(8 * 1024) },
    });
    assert.equal(tooLarge.status, 413, JSON.stringify(tooLarge.body));
    const error = tooLarge.body.error as { code: string; issues: { path: string }[] };
    assert.equal(error.code, "payload_too_large");
    assert.deepEqual(error.issues.map((issue) => issue.path), ["context"]);
    assert.equal((await db.eventsOf(alice.id)).length, 0);
  }));

Deno.test("a direct PostgREST insert of a non-object context is refused by the table", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const response = await insertDirectly(db.env, alice.token, { event: "x", context: "web" });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.code, "23514");
    assert.match(body.message, /analytics_events_context_is_object/);
    assert.equal((await db.eventsOf(alice.id)).length, 0);
  }));
