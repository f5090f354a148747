import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../../supabase/functions/_shared/database.types.ts";
import { withFixtures } from "../support/fixtures.ts";
import { gzip, postEvents } from "../support/track_event.ts";

Deno.test("supabase.functions.invoke stores an event for the signed-in user", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const job = await db.createJob(alice.id);
    const supabase = createClient<Database>(db.env.apiUrl, db.env.anonKey, {
      accessToken: () => Promise.resolve(alice.token),
    });
    const eventId = crypto.randomUUID();
    const { data, error } = await supabase.functions.invoke("track-event", {
      body: { event: "app_opened", event_id: eventId, job_id: job, properties: { source: "web" } },
    });
    assert.equal(error, null);
    assert.deepEqual(data, {
      accepted: 1,
      duplicates: 0,
      events: [{ event_id: eventId, status: "created" }],
    });
    const rows = await db.eventsOf(alice.id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].event_id, eventId);
    assert.equal(rows[0].job_id, job);
    assert.deepEqual(rows[0].properties, { source: "web" });
  }));

Deno.test("a batch via fetch stores every event in order, with clock skew corrected", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const job = await db.createJob(alice.id);
    // The device clock runs one hour fast: occurred_at must come back an hour earlier.
    const deviceNow = new Date(Date.now() + 3_600_000);
    const occurred = new Date(deviceNow.getTime() - 60_000).toISOString();
    const events = [
      { event: "stage_started", job_id: job, stage: "render", occurred_at: occurred },
      {
        event: "stage_completed",
        job_id: job,
        stage: "render",
        occurred_at: deviceNow.toISOString(),
      },
      { event: "app_closed" },
    ];
    const response = await postEvents(db.env, alice.token, {
      events,
      sent_at: deviceNow.toISOString(),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.accepted, 3);
    const statuses = response.body.events as { event_id: string; status: string }[];
    assert.deepEqual(statuses.map((e) => e.status), ["created", "created", "created"]);
    const rows = await db.eventsOf(alice.id);
    assert.deepEqual(rows.map((r) => r.event_id), statuses.map((e) => e.event_id));
    for (const row of rows) {
      assert.ok(row.occurred_at <= row.received_at, "no stored time is in the future");
    }
    const started = rows[0].occurred_at.getTime();
    const completed = rows[1].occurred_at.getTime();
    assert.equal(completed - started, 60_000, "the interval between events is preserved");
    assert.ok(Math.abs(completed - rows[1].received_at.getTime()) < 60_000, "skew is removed");
  }));

Deno.test("a gzip-compressed batch is accepted and stored", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const body = JSON.stringify({
      events: Array.from({ length: 50 }, (_, i) => ({ event: "scrolled", properties: { i } })),
    });
    const response = await postEvents(db.env, alice.token, undefined, {
      headers: { "content-encoding": "gzip" },
      rawBody: await gzip(body),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.accepted, 50);
    assert.equal((await db.eventsOf(alice.id)).length, 50);
  }));

Deno.test("a dashboard reads stage latency for events sent through the function", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const job = await db.createJob(alice.id);
    const t0 = new Date(Date.now() - 10_000);
    const response = await postEvents(db.env, alice.token, {
      events: [
        { event: "stage_started", job_id: job, stage: "upload", occurred_at: t0.toISOString() },
        {
          event: "stage_completed",
          job_id: job,
          stage: "upload",
          occurred_at: new Date(t0.getTime() + 2_500).toISOString(),
        },
      ],
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const supabase = createClient<Database>(db.env.apiUrl, db.env.anonKey, {
      accessToken: () => Promise.resolve(alice.token),
    });
    const { data, error } = await supabase.from("job_stage_latency").select(
      "job_id, stage, latency_ms",
    );
    assert.equal(error, null);
    assert.deepEqual(data, [{ job_id: job, stage: "upload", latency_ms: 2500 }]);
  }));

Deno.test("a full batch naming 500 distinct jobs is checked and stored", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const jobs = await db.sql<{ id: string }[]>`
      insert into public.jobs (user_id)
      select ${alice.id} from generate_series(1, 500)
      returning id`;
    const events = jobs.map(({ id }) => ({ event: "stage_started", job_id: id, stage: "s" }));
    const response = await postEvents(db.env, alice.token, { events });
    assert.equal(response.status, 201, JSON.stringify(response.body).slice(0, 300));
    assert.equal(response.body.accepted, 500);
    assert.equal((await db.eventsOf(alice.id)).length, 500);
  }));

Deno.test("events sent without an id get a time-ordered UUIDv7 from the function", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const before = Date.now();
    const response = await postEvents(db.env, alice.token, {
      events: [{ event: "app_opened" }, { event: "app_closed" }],
    });
    const after = Date.now();
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const ids = (response.body.events as { event_id: string }[]).map((e) => e.event_id);
    for (const id of ids) {
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
      assert.ok(ms >= before - 1000 && ms <= after + 1000, `timestamp ${ms} is not the request's`);
    }
    assert.deepEqual((await db.eventsOf(alice.id)).map((r) => r.event_id).sort(), [...ids].sort());
  }));
