// The client SDK against the real stack: ten trackers, one per user, track 1,000 events while
// PostgREST and then Postgres are stopped and started again. In the end the database holds every
// event exactly once, under the user who tracked it, and no tracker dropped anything.
import assert from "node:assert/strict";
// The SDK's platform-neutral modules: index.ts also exports the browser adapters, whose DOM
// types this Deno-only test program does not load.
import { createCoreTracker } from "../../packages/client/src/tracker.ts";
import { globalPlatform } from "../../packages/client/src/platform.ts";
import { memoryStorage } from "../../packages/client/src/storage_memory.ts";
import type { Tracker } from "../../packages/client/src/types.ts";
import { openFixtures, type TestUser } from "../support/fixtures.ts";
import { functionUrl } from "../support/track_event.ts";

const STACK = new URL("../../scripts/stack", import.meta.url).pathname;
const USERS = 10;
const EVENTS_PER_PHASE = 250; // four phases: 1,000 events
const DEADLINE_MS = 60_000;

async function stack(...args: string[]): Promise<void> {
  const run = await new Deno.Command("bash", {
    args: [STACK, ...args],
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!run.success) {
    throw new Error(
      `scripts/stack ${args.join(" ")} failed: ${new TextDecoder().decode(run.stderr)}`,
    );
  }
}

/** Polls `done` until it holds; fails with `what` after `ms`. */
async function waitFor(what: string, done: () => boolean, ms = 30_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("ten SDK trackers deliver 1,000 events exactly once through PostgREST and Postgres outages", async () => {
  const started = performance.now();
  const db = await openFixtures();
  const statuses = new Map<number, number>();
  const dropped: string[] = [];
  const trackers: { user: TestUser; tracker: Tracker; ids: string[] }[] = [];
  try {
    const platform = globalPlatform();
    // The SDK's full jitter, scaled to a fifth: the same backoff shape (and never under
    // Retry-After), with a tail that keeps the run short.
    platform.random = () => Math.random() * 0.2;
    const fetch = platform.fetch;
    const phases: string[] = [];
    const mark = (phase: string) =>
      phases.push(`${phase} ${((performance.now() - started) / 1000).toFixed(1)} s`);
    // Counts what the SDK saw, so the test knows each outage was met, not slept through.
    platform.fetch = async (url, init) => {
      let status = 0;
      try {
        const response = await fetch(url, init);
        status = response.status;
        return response;
      } finally {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    for (let i = 0; i < USERS; i++) {
      const user = await db.createUser(`sdk${i}`);
      const tracker = createCoreTracker(
        {
          url: functionUrl(db.env),
          apiKey: db.env.anonKey,
          getAccessToken: () => Promise.resolve(user.token),
          flushAt: 20,
          flushIntervalMs: 200,
          onError: (error) => dropped.push(`${error.code}: ${error.eventIds.length} events`),
        },
        memoryStorage(),
        platform,
      );
      trackers.push({ user, tracker, ids: [] });
    }
    const job = await db.createJob(trackers[0].user.id);
    const failures = () => (statuses.get(503) ?? 0) + (statuses.get(0) ?? 0);

    /** Tracks `count` events round-robin over the trackers, a few at a time. */
    const track = async (count: number, phase: string) => {
      for (let n = 0; n < count; n++) {
        const t = trackers[n % USERS];
        const id = t.tracker.track("sdk_outage_test", {
          job_id: t === trackers[0] ? job : undefined,
          stage: phase,
          properties: { n },
        });
        t.ids.push(id);
        if (n % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    await track(EVENTS_PER_PHASE, "before");

    mark("tracked");
    await stack("stop", "postgrest");
    let before = failures();
    await track(EVENTS_PER_PHASE, "postgrest_down");
    await waitFor("a failed request while PostgREST is down", () => failures() > before);
    mark("postgrest outage met");
    await stack("start");
    mark("postgrest back");

    await track(EVENTS_PER_PHASE, "between");

    await stack("stop", "postgres");
    before = failures();
    await track(EVENTS_PER_PHASE, "postgres_down");
    await waitFor("a failed request while Postgres is down", () => failures() > before);
    mark("postgres outage met");
    await stack("start");
    mark("postgres back");

    const flushed = await Promise.all(
      trackers.map((t) =>
        t.tracker.flush({ timeoutMs: DEADLINE_MS - (performance.now() - started) })
      ),
    );
    mark("all flushed");
    assert.deepEqual(flushed, trackers.map(() => true), "every tracker drained its queue");
    assert.deepEqual(dropped, []);

    const ids = trackers.flatMap((t) => t.ids);
    assert.equal(ids.length, 1000);
    const rows = await db.sql<{ user_id: string; event_id: string; copies: number }[]>`
      select user_id::text, event_id::text, count(*)::int as copies
      from public.analytics_events
      where event_id = any(${ids}::uuid[])
      group by user_id, event_id`;
    const stored = new Map(rows.map((r) => [r.event_id, r]));
    for (const t of trackers) {
      for (const id of t.ids) {
        const row = stored.get(id);
        assert.ok(row, `event ${id} of ${t.user.id} is missing`);
        assert.equal(row.user_id, t.user.id, `event ${id} is stored for another user`);
        assert.equal(row.copies, 1, `event ${id} is stored ${row.copies} times`);
      }
    }
    assert.equal(rows.length, 1000);
    const sent = trackers.reduce(
      (sum, t) => sum + t.tracker.stats().sent + t.tracker.stats().duplicates,
      0,
    );
    assert.equal(sent, 1000, "every event was acknowledged by the server");
    console.log(
      `statuses seen by the SDK: ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        phases.join(", "),
    );
  } finally {
    await Promise.all(trackers.map((t) => t.tracker.close()));
    // Leave the stack whole for the next test, whatever happened.
    await stack("start").catch(() => {});
    await db.close();
  }
});
