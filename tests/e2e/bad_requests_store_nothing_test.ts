import assert from "node:assert/strict";
import { signUserToken, withFixtures } from "../support/fixtures.ts";
import { gzip, postEvents } from "../support/track_event.ts";

Deno.test("bad requests get a clear 4xx through the gateway and store nothing", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const expired = await signUserToken(db.env.jwtSecret, { sub: alice.id, expiresInSeconds: -60 });
    const forged = await signUserToken("not-the-project-secret-but-long-enough-to-sign", {
      sub: alice.id,
    });
    const big = JSON.stringify({ event: "x", properties: { blob: "a".repeat(600 * 1024) } });
    const cases: [string, string | undefined, unknown, Record<string, unknown>, number, string][] =
      [
        ["no token", undefined, { event: "x" }, {}, 401, "missing_token"],
        [
          "only an apikey, as before sign-in",
          undefined,
          { event: "x" },
          {
            headers: { apikey: db.env.anonKey },
          },
          401,
          "invalid_token",
        ],
        ["expired token", expired, { event: "x" }, {}, 401, "invalid_token"],
        ["forged token", forged, { event: "x" }, {}, 401, "invalid_token"],
        ["the anon key as a token", db.env.anonKey, { event: "x" }, {}, 401, "invalid_token"],
        [
          "the service key as a token",
          db.env.serviceRoleKey,
          { event: "x" },
          {},
          401,
          "invalid_token",
        ],
        ["bad JSON", alice.token, undefined, { rawBody: "{not json" }, 400, "invalid_json"],
        ["empty batch", alice.token, { events: [] }, {}, 400, ""],
        ["501 events", alice.token, { events: Array(501).fill({ event: "x" }) }, {}, 400, ""],
        ["unknown key", alice.token, { event: "x", colour: "red" }, {}, 400, "validation_failed"],
        [
          "a NUL in properties",
          alice.token,
          { event: "x", properties: { a: "\u0000" } },
          {},
          400,
          "",
        ],
        ["oversized body", alice.token, undefined, { rawBody: big }, 413, "payload_too_large"],
        [
          "not JSON",
          alice.token,
          undefined,
          {
            rawBody: "event=x",
            headers: { "content-type": "application/x-www-form-urlencoded" },
          },
          415,
          "unsupported_media_type",
        ],
      ];
    for (const [name, token, body, init, status, code] of cases) {
      const response = await postEvents(db.env, token, body, init as never);
      assert.equal(response.status, status, `${name}: ${JSON.stringify(response.body)}`);
      const error = response.body.error as Record<string, unknown>;
      assert.equal(typeof error.message, "string", `${name} has a message`);
      if (code) assert.equal(error.code, code, name);
      assert.equal(response.headers.get("access-control-allow-origin"), "*", `${name} has CORS`);
    }
    assert.equal((await db.eventsOf(alice.id)).length, 0, "nothing was stored");
  }));

Deno.test("a gzip bomb is cut off at the size limit with 413", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const bomb = await gzip(JSON.stringify({ event: "x", properties: { z: "0".repeat(8 << 20) } }));
    const response = await postEvents(db.env, alice.token, undefined, {
      headers: { "content-encoding": "gzip" },
      rawBody: bomb,
    });
    assert.equal(response.status, 413);
    assert.equal((await db.eventsOf(alice.id)).length, 0);
  }));

Deno.test("a valid token of a deleted user is a 401 and stores nothing, with or without a job", () =>
  withFixtures(async (db) => {
    const ghost = await db.createUser("ghost");
    const formerJob = await db.createJob(ghost.id);
    const stranger = await db.createUser("stranger");
    const strangersJob = await db.createJob(stranger.id);
    await db.sql`delete from auth.users where id = ${ghost.id}`;
    for (
      const body of [{ event: "x" }, { event: "x", job_id: formerJob }, {
        event: "x",
        job_id: strangersJob,
      }]
    ) {
      const response = await postEvents(db.env, ghost.token, body);
      assert.equal(response.status, 401, JSON.stringify(response.body));
      const error = response.body.error as Record<string, unknown>;
      assert.equal(error.code, "invalid_token");
      assert.match(String(error.message), /no longer exists/);
    }
    assert.equal((await db.eventsOf(ghost.id)).length, 0);
  }));

Deno.test("a body of 62,500 invalid keys gets a small 400 that counts them", () =>
  withFixtures(async (db) => {
    const alice = await db.createUser("alice");
    const unknown = Object.fromEntries(Array.from({ length: 125 }, (_, k) => [`k${k}`, 0]));
    const events = Array.from({ length: 500 }, () => ({ event: "x", ...unknown }));
    const body = JSON.stringify({ events });
    assert.ok(body.length > 500 * 1024 && body.length <= 512 * 1024);
    const response = await postEvents(db.env, alice.token, undefined, { rawBody: body });
    assert.equal(response.status, 400);
    const error = response.body.error as Record<string, unknown>;
    assert.equal(error.issue_count, 62_500);
    assert.equal((error.issues as unknown[]).length, 100);
    assert.ok(JSON.stringify(response.body).length < 16 * 1024, "the answer stays small");
    assert.equal((await db.eventsOf(alice.id)).length, 0);
  }));
