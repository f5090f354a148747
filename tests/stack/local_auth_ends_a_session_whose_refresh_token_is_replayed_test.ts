// The local Auth's refresh-token rotation, checked in its own tables: a token spent long ago and
// shown again is a stolen copy, so the session it belongs to ends (GoTrue's reuse detection).
import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { authClient, newEmail } from "../support/auth_client.ts";

async function refresh(apiUrl: string, anonKey: string, token: string) {
  const response = await fetch(`${apiUrl}/auth/v1/token?grant_type=refresh_token`, {
    method: "POST",
    headers: { apikey: anonKey, "content-type": "application/json" },
    body: JSON.stringify({ refresh_token: token }),
  });
  return { status: response.status, body: await response.json() };
}

Deno.test("a refresh token used twice within 10 s gives the session's current token", () =>
  withFixtures(async (db) => {
    const { data } = await authClient(db.env).auth.signUp({
      email: newEmail("tab"),
      password: "secret-123",
    });
    const first = data.session!.refresh_token;
    const one = await refresh(db.env.apiUrl, db.env.anonKey, first);
    const two = await refresh(db.env.apiUrl, db.env.anonKey, first);
    assert.deepEqual(
      [one.status, two.status],
      [200, 200],
      "two tabs refreshing at once both succeed",
    );
    assert.equal(two.body.refresh_token, one.body.refresh_token, "and share the new token");
  }));

Deno.test("a refresh token replayed after 10 s ends its session for everyone holding it", () =>
  withFixtures(async (db) => {
    const supabase = authClient(db.env);
    const { data } = await supabase.auth.signUp({
      email: newEmail("thief"),
      password: "secret-123",
    });
    const stolen = data.session!.refresh_token;
    const current = await refresh(db.env.apiUrl, db.env.anonKey, stolen);
    assert.equal(current.status, 200);
    await db.sql`
      update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = ${stolen}`;

    const replay = await refresh(db.env.apiUrl, db.env.anonKey, stolen);
    assert.deepEqual([replay.status, replay.body.error_code], [400, "refresh_token_already_used"]);
    const owner = await refresh(db.env.apiUrl, db.env.anonKey, current.body.refresh_token);
    assert.deepEqual(
      [owner.status, owner.body.error_code],
      [400, "refresh_token_not_found"],
      "the session's newest token is dead too",
    );
    const sessions = await db.sql`select 1 from auth.sessions where user_id = ${data.user!.id}`;
    assert.equal(sessions.length, 0, "the session is gone");
  }));
