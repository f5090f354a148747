// What gets stored and what the caller is told, event by event.
import assert from "node:assert/strict";
import { ALICES_JOB, createRig, jsonOf, NOW, post, signToken } from "./test_support.ts";

const id = (n: number) => `dddddddd-0000-4000-8000-${String(n).padStart(12, "0")}`;

Deno.test("statuses come back in request order with counts", async () => {
  const rig = createRig();
  rig.store.existingEventIds.add(id(2));
  const events = [{ event: "a", event_id: id(1) }, { event: "b", event_id: id(2) }, { event: "c" }];
  const response = await rig.handle(post({ events }, { token: await signToken() }));
  assert.equal(response.status, 201);
  assert.deepEqual(await jsonOf(response), {
    accepted: 2,
    duplicates: 1,
    events: [
      { event_id: id(1), status: "created" },
      { event_id: id(2), status: "duplicate" },
      { event_id: "00000000-0000-4000-8000-000000000001", status: "created" },
    ],
  });
});

Deno.test("a retry of the same batch is a 200 with every event a duplicate", async () => {
  const rig = createRig();
  const token = await signToken();
  const batch = { events: [{ event: "a", event_id: id(1) }, { event: "b", event_id: id(2) }] };
  assert.equal((await rig.handle(post(batch, { token }))).status, 201);
  const retry = await rig.handle(post(batch, { token }));
  assert.equal(retry.status, 200);
  const body = await jsonOf(retry);
  assert.equal(body.accepted, 0);
  assert.equal(body.duplicates, 2);
});

Deno.test("the same event_id twice in a batch sends one row; the later one is a duplicate", async () => {
  const rig = createRig();
  const events = [{ event: "a", event_id: id(7).toUpperCase() }, { event: "b" }, {
    event: "a2",
    event_id: id(7),
  }];
  const body = await jsonOf(await rig.handle(post({ events }, { token: await signToken() })));
  assert.deepEqual(body.events.map((e: { status: string }) => e.status), [
    "created",
    "created",
    "duplicate",
  ]);
  assert.deepEqual(body.events[0].event_id, id(7), "ids are normalized to lowercase");
  assert.equal(rig.store.rowsInserted.length, 2);
  assert.equal(rig.store.rowsInserted[0].event, "a");
});

Deno.test("rows carry no user_id or received_at, and skew-corrected times", async () => {
  const rig = createRig();
  await rig.handle(post({
    events: [
      {
        event: "a",
        job_id: ALICES_JOB,
        stage: "render",
        properties: { n: 1 },
        occurred_at: "2026-03-01T13:59:30+02:00",
      },
      { event: "b", occurred_at: "2030-01-01T00:00:00Z" },
      { event: "c" },
    ],
    sent_at: "2026-03-01T14:00:00+02:00",
  }, { token: await signToken() }));
  const rows = rig.store.rowsInserted;
  for (const row of rows) {
    assert.ok(!("user_id" in row) && !("received_at" in row));
  }
  // 30 s before sending on the client's clock is 30 s before receipt on ours.
  assert.equal(rows[0].occurred_at, "2026-03-01T11:59:30.000Z");
  assert.equal(rows[1].occurred_at, NOW.toISOString(), "future times are clamped");
  assert.equal(rows[2].occurred_at, NOW.toISOString(), "no occurred_at means now");
  assert.deepEqual(rows[0].properties, { n: 1 });
  assert.equal(rows[0].job_id, ALICES_JOB);
  assert.equal(rows[0].stage, "render");
});

Deno.test("a bad event anywhere in the batch stores nothing", async () => {
  const rig = createRig();
  const response = await rig.handle(
    post({ events: [{ event: "ok" }, { event: "" }] }, { token: await signToken() }),
  );
  assert.equal(response.status, 400);
  const body = await jsonOf(response);
  assert.deepEqual(body.error.issues, [{
    index: 1,
    path: "event",
    message: "must be 1 to 128 characters",
  }]);
  assert.equal(rig.store.insertCalls.length, 0);
  assert.equal(rig.store.visibleCalls.length, 0);
});
