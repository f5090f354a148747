// The analytics layer: super properties, beforeSend, opt-out, debug, context and the caller's
// event_id and occurred_at, each on the core's fake server.
import assert from "node:assert/strict";
import { LIBRARY } from "../src/version.ts";
import { analyticsRig } from "./analytics_rig.ts";

Deno.test("register() adds super properties to every later event; the event's own win", async () => {
  const r = analyticsRig();
  r.analytics.track("before");
  r.analytics.register({ plan: "pro", theme: "dark" });
  r.analytics.track("after", { properties: { theme: "light", n: 1 } });
  r.analytics.unregister("theme");
  r.analytics.track("unregistered");
  assert.equal(await r.analytics.flush(), true);
  assert.deepEqual(r.sent().map((e) => [e.event, e.properties]), [
    ["before", {}],
    ["after", { plan: "pro", theme: "light", n: 1 }],
    ["unregistered", { plan: "pro" }],
  ]);
});

Deno.test("super properties are kept: a new tracker on the same settings sends them", async () => {
  const r = analyticsRig();
  r.analytics.register({ plan: "pro" });
  await r.analytics.close();
  const reloaded = r.make();
  reloaded.track("after_reload");
  assert.equal(await reloaded.flush(), true);
  assert.deepEqual(r.sent().map((e) => e.properties), [{ plan: "pro" }]);
});

Deno.test("beforeSend changes an event, drops it with null, and a throwing one drops it", async () => {
  const r = analyticsRig({
    beforeSend(event) {
      if (event.event === "secret") return null;
      if (event.event === "broken") throw new Error("bug");
      const { email: _email, ...rest } = event.properties;
      return { ...event, properties: rest, context: { ...event.context, scrubbed: true } };
    },
  });
  assert.equal(r.analytics.track("secret"), "");
  assert.equal(r.analytics.track("broken"), "");
  const id = r.analytics.track("signup", { properties: { email: "a@b.c", plan: "pro" } });
  assert.notEqual(id, "");
  assert.equal(await r.analytics.flush(), true);
  const sent = r.sent();
  assert.deepEqual(sent.map((e) => [e.event, e.event_id, e.properties]), [
    ["signup", id, { plan: "pro" }],
  ]);
  assert.equal((sent[0].context as Record<string, unknown>).scrubbed, true);
  assert.ok(r.debug.includes("beforeSend dropped secret"), r.debug.join("\n"));
  assert.ok(
    r.debug.includes("broken dropped: it could not be prepared (Error: bug)"),
    r.debug.join("\n"),
  );
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["invalid_event", []]]);
});

Deno.test("optOut() drops the queue, queues nothing, sends nothing, and is kept; optIn() tracks again", async () => {
  const r = analyticsRig();
  const queued = r.analytics.track("queued_before");
  r.analytics.optOut();
  assert.equal(r.analytics.optedOut(), true);
  assert.equal(r.analytics.track("while_out"), "");
  assert.equal(r.analytics.stats().queued, 0);
  assert.equal(await r.analytics.flush(), true);
  assert.deepEqual(r.sent(), [], "nothing was sent");
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["opted_out", [queued]]]);
  assert.equal(r.storage.events.size, 0, "nothing is stored");
  await r.analytics.close();

  const reloaded = r.make();
  assert.equal(reloaded.optedOut(), true, "the opt-out outlives the page");
  assert.equal(reloaded.track("after_reload"), "");
  reloaded.optIn();
  const id = reloaded.track("opted_in");
  assert.equal(await reloaded.flush(), true);
  assert.deepEqual(r.sent().map((e) => [e.event, e.event_id]), [["opted_in", id]]);
  assert.equal(r.make().optedOut(), false, "the opt-in is kept too");
});

Deno.test("while opted out, events already in storage are not sent: no token is handed out", async () => {
  const r = analyticsRig();
  r.analytics.optOut();
  const calls = r.tokenCalls();
  // Another tab (or an older page) left an event in the shared storage.
  await r.storage.put([{
    id: "0193a6c0-0000-7000-8000-00000000000a",
    sub: "alice",
    at: r.clock.now(),
    size: 10,
    body: { event: "left", event_id: "0193a6c0-0000-7000-8000-00000000000a", occurred_at: "x" },
  }]);
  const reloaded = r.make();
  await reloaded.flush({ timeoutMs: 0 });
  await r.clock.settle();
  assert.deepEqual(r.sent(), []);
  assert.equal(r.tokenCalls(), calls, "the app's getAccessToken is not asked while opted out");
});

Deno.test("context has the library, the session, the app's context, and the event's own last", async () => {
  const r = analyticsRig({ context: { app: { version: "2.3.1" }, locale: "app" } });
  r.analytics.track("e", { context: { locale: "event" } });
  assert.equal(await r.analytics.flush(), true);
  const [event] = r.sent();
  assert.deepEqual(event.context, {
    library: LIBRARY,
    session_id: r.analytics.sessionId(),
    app: { version: "2.3.1" },
    locale: "event",
  });
});

Deno.test("track() passes the caller's event_id and occurred_at through", async () => {
  const r = analyticsRig();
  const id = "0193a6c0-2222-7000-8000-000000000001";
  assert.equal(r.analytics.track("e", { event_id: id, occurred_at: "2026-12-01T00:00:00Z" }), id);
  assert.equal(await r.analytics.flush(), true);
  assert.deepEqual(
    r.sent().map((e) => [e.event_id, e.occurred_at]),
    [[id, "2026-12-01T00:00:00Z"]],
  );
});

Deno.test("debug logs what happens; without it nothing is written to the console", async () => {
  const r = analyticsRig();
  const id = r.analytics.track("e");
  r.analytics.optOut();
  assert.deepEqual(r.debug, [
    `tracked e ${id}`,
    "opted_out: Cleared unsent",
    "opted out: the queue was cleared",
  ]);
  const original = console.debug;
  const lines: unknown[] = [];
  console.debug = (...args: unknown[]) => void lines.push(args);
  try {
    const quiet = analyticsRig({ debug: undefined });
    quiet.analytics.track("e");
    assert.equal(await quiet.analytics.flush(), true);
    assert.deepEqual(lines, []);
    const loud = analyticsRig({ debug: true });
    loud.analytics.track("e");
    assert.equal(lines.length, 1);
    assert.match(String((lines[0] as unknown[])[0]), /^\[track-event\] tracked e /);
  } finally {
    console.debug = original;
  }
});

Deno.test("the library version is package.json's", async () => {
  const pkg = JSON.parse(await Deno.readTextFile(new URL("../package.json", import.meta.url)));
  assert.deepEqual(LIBRARY, { name: pkg.name, version: pkg.version });
});

Deno.test("an opt-out, super properties and the session saved by another tab hold at once", async () => {
  const r = analyticsRig();
  const otherTab = r.make();
  otherTab.register({ plan: "team" });
  r.analytics.track("sees_the_other_tabs_property");
  assert.equal(await r.analytics.flush(), true);
  assert.equal(r.analytics.sessionId(), otherTab.sessionId(), "one session for the origin");
  const queued = r.analytics.track("queued_here");
  otherTab.optOut();
  assert.equal(r.analytics.track("after_the_other_tab_opted_out"), "");
  assert.equal(r.analytics.optedOut(), true);
  assert.equal(await r.analytics.flush(), true);
  assert.deepEqual(r.sent().map((e) => [e.event, e.properties]), [
    ["sees_the_other_tabs_property", { plan: "team" }],
  ], "nothing is sent after the opt-out, not even what this tab queued before it");
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds]), [["opted_out", [queued]]]);
  assert.equal(r.storage.events.size, 0);
});

Deno.test("settings that cannot be written stay in force in this page", async () => {
  const r = analyticsRig();
  r.analytics.register({ plan: "free" }); // written: the storage holds an older value below
  r.settings.setItem = () => {
    throw new Error("QuotaExceededError");
  };
  r.analytics.register({ plan: "pro" });
  r.analytics.track("e");
  assert.equal(await r.analytics.flush(), true);
  assert.deepEqual(r.sent().map((e) => e.properties), [{ plan: "pro" }]);
});

Deno.test("track() with a throwing getter in its fields does not throw: dropped and reported", async () => {
  const r = analyticsRig({
    onError: () => {
      throw new Error("the app's handler fails too");
    },
  });
  const properties = {
    get boom(): number {
      throw new Error("getter failed");
    },
  };
  assert.equal(r.analytics.track("e", { properties }), "");
  assert.equal(await r.analytics.flush(), true);
  assert.deepEqual(r.sent(), []);
  assert.match(r.debug[0], /^e dropped: it could not be prepared \(Error: getter failed\)$/);
});
