import assert from "node:assert/strict";
import { AuthApiError } from "@supabase/supabase-js";
import { withFixtures } from "../support/fixtures.ts";
import { authClient, claimsOf, newEmail } from "../support/auth_client.ts";
import { postEvents } from "../support/track_event.ts";

const PASSWORD = "correct-horse-1";

Deno.test("a user signs up with supabase-js and gets a session PostgREST and the function accept", () =>
  withFixtures(async (db) => {
    const email = newEmail("ann");
    const supabase = authClient(db.env);
    const { data, error } = await supabase.auth.signUp({ email, password: PASSWORD });
    assert.equal(error, null);
    const session = data.session!;
    assert.equal(session.token_type, "bearer");
    assert.equal(session.user.email, email);
    assert.equal(session.user.is_anonymous, false);
    const claims = claimsOf(session.access_token);
    assert.equal(claims.sub, session.user.id);
    assert.equal(claims.aud, "authenticated");
    assert.equal(claims.role, "authenticated");
    assert.equal(claims.email, email);
    assert.equal(claims.is_anonymous, false);
    assert.equal(typeof claims.session_id, "string");
    assert.equal(claims.exp, session.expires_at);
    assert.ok(Number(claims.exp) > Number(claims.iat), "exp after iat");
    const [row] = await db.sql`
      select email, is_anonymous, encrypted_password like '$2a$10$%' as bcrypt
      from auth.users where id = ${session.user.id}`;
    assert.deepEqual({ ...row }, { email, is_anonymous: false, bcrypt: true });

    // The token is a real user's: the function stores an event on their job, RLS shows the job.
    const job = await db.createJob(session.user.id);
    const stored = await postEvents(db.env, session.access_token, {
      event: "signed_up",
      job_id: job,
    });
    assert.equal(stored.status, 201);
    const jobs = await supabase.from("jobs").select("id");
    assert.deepEqual(jobs.data, [{ id: job }]);
  }));

Deno.test("signInWithPassword answers GoTrue's errors and a session for the right password", () =>
  withFixtures(async (db) => {
    const email = newEmail("ben");
    const supabase = authClient(db.env);
    assert.equal((await supabase.auth.signUp({ email, password: PASSWORD })).error, null);
    await supabase.auth.signOut({ scope: "local" });

    const wrong = await supabase.auth.signInWithPassword({ email, password: "not-it-at-all" });
    assert.ok(wrong.error instanceof AuthApiError);
    assert.deepEqual(
      [wrong.error.status, wrong.error.code, wrong.error.message],
      [400, "invalid_credentials", "Invalid login credentials"],
    );
    const nobody = await supabase.auth.signInWithPassword({
      email: newEmail("nobody"),
      password: PASSWORD,
    });
    assert.equal(nobody.error?.code, "invalid_credentials", "an unknown email looks the same");

    const again = await supabase.auth.signUp({ email, password: PASSWORD });
    assert.deepEqual([again.error?.status, again.error?.code], [422, "user_already_exists"]);
    const weak = await supabase.auth.signUp({ email: newEmail("weak"), password: "12345" });
    assert.deepEqual([weak.error?.status, weak.error?.code], [422, "weak_password"]);

    const right = await supabase.auth.signInWithPassword({
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    assert.equal(right.error, null);
    assert.equal(right.data.user?.email, email);
  }));

Deno.test("refreshSession rotates the refresh token; getUser and signOut end the session", () =>
  withFixtures(async (db) => {
    const supabase = authClient(db.env);
    const { data } = await supabase.auth.signUp({ email: newEmail("cy"), password: PASSWORD });
    const first = data.session!;

    const refreshed = await supabase.auth.refreshSession();
    assert.equal(refreshed.error, null);
    const second = refreshed.data.session!;
    assert.notEqual(second.refresh_token, first.refresh_token, "a new refresh token");
    assert.equal(claimsOf(second.access_token).session_id, claimsOf(first.access_token).session_id);
    assert.equal((await supabase.auth.getUser()).data.user?.id, first.user.id);

    const stale = await fetch(`${db.env.apiUrl}/auth/v1/token?grant_type=refresh_token`, {
      method: "POST",
      headers: { apikey: db.env.anonKey, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: "not-a-token" }),
    });
    assert.equal(stale.status, 400);
    assert.equal((await stale.json()).error_code, "refresh_token_not_found");

    assert.equal((await supabase.auth.signOut()).error, null);
    const after = await supabase.auth.getUser(second.access_token);
    // GoTrue answers 403 session_not_found, which supabase-js reports as a missing session.
    assert.equal(
      after.error?.name,
      "AuthSessionMissingError",
      "the ended session's token is refused",
    );
    const replay = await authClient(db.env).auth.refreshSession({
      refresh_token: second.refresh_token,
    });
    assert.equal(replay.error?.status, 400, "its refresh token too");
  }));
