// Property: for random sequences of tracking, failures, lost answers, tracker restarts on the
// same storage, user switches and token failures, in the end every event that was not reported
// dropped is stored for the user who tracked it; no event ever travels with another user's
// token; the queue never holds more than its cap.
import assert from "node:assert/strict";
import fc from "fast-check";
import { createCoreTracker } from "../src/tracker.ts";
import type { Tracker } from "../src/types.ts";
import { fakeClock, fakePlatform, fakeStorage, fakeToken, seededRandom } from "./fakes.ts";
import { fakeServer, type Fault } from "./fake_server.ts";

const USERS = ["u0", "u1", "u2"];

type Op =
  | { op: "track"; count: number; job: boolean }
  | { op: "switch"; user: number | null }
  | { op: "refresh_token" }
  | { op: "fault"; fault: Fault }
  | { op: "auth_down"; down: boolean }
  | { op: "advance"; ms: number }
  | { op: "restart" };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: "network" }),
  fc.constant<Fault>({ kind: "lost_answer" }),
  fc.constantFrom(408, 429, 500, 503).map((status): Fault => ({
    kind: "status",
    status,
    headers: { "retry-after": "1" },
  })),
  fc.constant<Fault>({ kind: "status", status: 413, body: {} }),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("track" as const),
      count: fc.integer({ min: 1, max: 30 }),
      job: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("switch" as const),
      user: fc.option(fc.integer({ min: 0, max: 2 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "refresh_token" as const }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("fault" as const), fault }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("auth_down" as const), down: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("advance" as const),
      ms: fc.integer({ min: 0, max: 5000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "restart" as const }) },
);

async function scenario(ops: Op[], cap: number, flushAt: number, seed: number) {
  const clock = fakeClock();
  const server = fakeServer();
  const storage = fakeStorage();
  const owner = new Map<string, string>();
  const dropped = new Set<string>();
  const violations: string[] = [];
  let user: number | null = 0;
  let version = 0;
  let authDown = false;
  const token = () => user === null ? null : fakeToken(USERS[user], version);

  const fetch = async (url: string, init: RequestInit) => {
    const sub = JSON.parse(atob(new Headers(init.headers).get("authorization")!.split(".")[1])).sub;
    for (const e of JSON.parse(init.body as string).events) {
      if (owner.get(e.event_id) !== sub) {
        violations.push(`${e.event_id} of ${owner.get(e.event_id)} sent as ${sub}`);
      }
    }
    return await server.fetch(url, init);
  };
  const make = (): Tracker =>
    createCoreTracker(
      {
        url: "https://x/functions/v1/track-event",
        apiKey: "k",
        // A signed-in user's token cannot be read while auth is down (an expired session whose
        // refresh fails); a signed-out state is known locally, as supabase-js knows it.
        getAccessToken: () =>
          authDown && user !== null
            ? Promise.reject(new Error("auth down"))
            : Promise.resolve(token()),
        maxQueueEvents: cap,
        flushAt,
        onError: (error) => error.eventIds.forEach((id) => dropped.add(id)),
      },
      storage,
      fakePlatform(clock, fetch, { random: seededRandom(seed) }),
    );

  let tracker = make();
  const trackers = [tracker];
  for (const step of ops) {
    switch (step.op) {
      case "track":
        for (let i = 0; i < step.count; i++) {
          const id = tracker.track("e", step.job ? { job_id: null, properties: { i } } : {});
          // The owner is whoever is signed in now; signed-out events are dropped.
          if (user !== null) owner.set(id, USERS[user]);
        }
        break;
      case "switch":
        // Signing in or out needs the auth server: not while it is down. And the tracker asks
        // for the token of an event whose lookup failed only later: a switch before that answer
        // would give the event to the next user (a documented limit), so the model lets the
        // tracker catch up first.
        if (authDown) break;
        await clock.runUntil(() => ![...storage.events.values()].some((e) => e.sub === undefined));

        user = step.user;
        // A getAccessToken that throws is read as "the same user as the last token": after a
        // switch, the tracker must have read the new user's token before one throws, as
        // supabaseAccessToken ensures by following supabase-js's announcements.
        void tracker.flush({ timeoutMs: 0 });
        await clock.settle();
        break;
      case "refresh_token":
        version++;
        break;
      case "fault":
        server.faults.push(step.fault);
        break;
      case "auth_down":
        authDown = step.down;
        break;
      case "advance":
        await clock.advance(step.ms);
        break;
      case "restart":
        await tracker.close();
        tracker = make();
        trackers.push(tracker);
        break;
    }
    await clock.settle();
    assert.ok(tracker.stats().queued <= cap, `queue ${tracker.stats().queued} over cap ${cap}`);
    assert.ok(storage.events.size <= cap, `storage ${storage.events.size} over cap ${cap}`);
  }

  // Heal, then let each user sign in in turn until their events are delivered.
  authDown = false;
  server.faults.length = 0;
  const attributing = () => [...storage.events.values()].some((e) => e.sub === undefined);
  await clock.runUntil(() => !attributing());
  for (let u = 0; u < USERS.length; u++) {
    user = u;
    const mine = () =>
      [...storage.events.values()].filter((e) => e.sub === USERS[u] || e.sub === undefined).length;
    await clock.runUntil(() => mine() === 0 && tracker.stats().queued === storage.events.size);
  }
  await tracker.close();

  assert.deepEqual(violations, []);
  for (const [id, sub] of owner) {
    if (!dropped.has(id)) assert.ok(server.isStored(sub, id), `event ${id} of ${sub} was lost`);
    for (const other of USERS) {
      if (other !== sub) {
        assert.equal(server.isStored(other, id), false, `${id} stored for ${other}`);
      }
    }
  }
  const sent = trackers.reduce((sum, t) => sum + t.stats().sent, 0);
  assert.ok(sent <= server.storedCount(), "more events counted as sent than stored");
}

Deno.test("property: every event is delivered once, for its own user, within the cap", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(op, { minLength: 1, maxLength: 40 }),
      fc.constantFrom(8, 40, 10_000),
      fc.constantFrom(1, 5, 20),
      fc.integer(),
      scenario,
    ),
    { numRuns: Number(Deno.env.get("PROPERTY_RUNS") ?? 200) },
  );
});
