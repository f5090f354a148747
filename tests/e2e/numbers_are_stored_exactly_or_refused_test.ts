import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { postEvents } from "../support/track_event.ts";

const rawEvent = (number: string) => ({
  rawBody: `{"event":"measured","properties":{"value":${number}}}`,
});

Deno.test("numbers JSON cannot hold exactly are a 400 naming their path, and store nothing", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    for (const number of ["1e999", "-1e999", "9007199254740993", "9007199254740992"]) {
      const response = await postEvents(db.env, alice.token, undefined, rawEvent(number));
      assert.equal(response.status, 400, `${number}: ${JSON.stringify(response.body)}`);
      const error = response.body.error as { code: string; issues: { path: string }[] };
      assert.equal(error.code, "validation_failed");
      assert.deepEqual(error.issues.map((issue) => issue.path), ["properties.value"], number);
    }
    assert.equal((await db.eventsOf(alice.id)).length, 0, "nothing was stored");
  }));

Deno.test("the largest safe integers are stored exactly; 1e-400 is stored as 0", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    for (const number of ["9007199254740991", "-9007199254740991", "1e-400"]) {
      const response = await postEvents(db.env, alice.token, undefined, rawEvent(number));
      assert.equal(response.status, 201, `${number}: ${JSON.stringify(response.body)}`);
    }
    const stored = await db.sql`
      select properties ->> 'value' as value
      from public.analytics_events
      where user_id = ${alice.id}
      order by id`;
    assert.deepEqual(stored.map((row) => row.value), [
      "9007199254740991",
      "-9007199254740991",
      "0",
    ]);
  }));
