// Sessions: one id while events keep coming, a new one after 30 minutes idle, kept by the settings
// across a reload.
import assert from "node:assert/strict";
import { DEFAULT_SESSION_IDLE_MS, touchSession } from "../src/session.ts";
import { analyticsRig } from "./analytics_rig.ts";

const sessionOf = (e: Record<string, unknown>) =>
  (e.context as Record<string, unknown>).session_id as string;

Deno.test("one session while active; a new one after 30 minutes idle", async () => {
  const r = analyticsRig();
  r.analytics.track("a");
  r.time.now += 29 * 60_000;
  r.analytics.track("b");
  r.time.now += 29 * 60_000; // 58 minutes after the first, 29 after the last: still the same
  r.analytics.track("c");
  r.time.now += DEFAULT_SESSION_IDLE_MS + 1;
  r.analytics.track("d");
  assert.equal(await r.analytics.flush(), true);
  const [a, b, c, d] = r.sent().map(sessionOf);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([b, c], [a, a]);
  assert.notEqual(d, a);
});

Deno.test("the session is kept across a reload within the idle time, not after it", async () => {
  const r = analyticsRig();
  r.analytics.track("before_reload");
  await r.analytics.close();
  r.time.now += 60_000;
  const reloaded = r.make();
  reloaded.track("after_reload");
  r.time.now += DEFAULT_SESSION_IDLE_MS + 1;
  const late = r.make();
  late.track("much_later");
  assert.equal(await late.flush(), true);
  const [before, after, later] = r.sent().map(sessionOf);
  assert.equal(after, before);
  assert.notEqual(later, before);
});

Deno.test("sessionIdleMs sets the idle time; a clock set far back starts a new session", () => {
  const ids = ["s1", "s2", "s3"];
  const newId = () => ids.shift()!;
  let stored = touchSession(undefined, 1_000_000, 10_000, newId).session;
  assert.equal(stored.id, "s1");
  stored = touchSession(stored, 1_009_000, 10_000, newId).session;
  assert.equal(stored.id, "s1");
  stored = touchSession(stored, 1_019_001, 10_000, newId).session;
  assert.equal(stored.id, "s2");
  assert.equal(touchSession(stored, 0, 10_000, newId).id, "s3");
});
