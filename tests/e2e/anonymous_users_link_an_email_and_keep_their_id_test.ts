import assert from "node:assert/strict";
import { withFixtures } from "../support/fixtures.ts";
import { authClient, claimsOf, newEmail } from "../support/auth_client.ts";
import { postEvents } from "../support/track_event.ts";

Deno.test("an anonymous user is a real auth.users row, links an email, and keeps the same id", () =>
  withFixtures(async (db) => {
    const supabase = authClient(db.env);
    const { data, error } = await supabase.auth.signInAnonymously();
    assert.equal(error, null);
    const anonymous = data.session!;
    assert.equal(anonymous.user.is_anonymous, true);
    assert.equal(claimsOf(anonymous.access_token).is_anonymous, true);
    assert.equal(claimsOf(anonymous.access_token).role, "authenticated");
    const [row] = await db
      .sql`select is_anonymous, email from auth.users where id = ${anonymous.user.id}`;
    assert.deepEqual({ ...row }, { is_anonymous: true, email: null });

    // Events tracked before linking belong to the same id afterwards.
    const job = await db.createJob(anonymous.user.id);
    const before = await postEvents(db.env, anonymous.access_token, {
      event: "tried_it",
      job_id: job,
    });
    assert.equal(before.status, 201);

    const noEmail = await supabase.auth.updateUser({ password: "linked-password-1" });
    assert.deepEqual(
      [noEmail.error?.status, noEmail.error?.code],
      [422, "validation_failed"],
      "an anonymous user cannot set a password without an email",
    );

    const email = newEmail("linked");
    const linked = await supabase.auth.updateUser({ email, password: "linked-password-1" });
    assert.equal(linked.error, null);
    assert.equal(linked.data.user?.id, anonymous.user.id, "the same id");
    assert.equal(linked.data.user?.email, email);
    assert.equal(linked.data.user?.is_anonymous, false);

    const signedIn = await authClient(db.env).auth.signInWithPassword({
      email,
      password: "linked-password-1",
    });
    assert.equal(signedIn.error, null);
    assert.equal(signedIn.data.user?.id, anonymous.user.id);
    assert.equal(claimsOf(signedIn.data.session!.access_token).is_anonymous, false);
    assert.equal((await db.eventsOf(anonymous.user.id)).length, 1, "the earlier event is theirs");
  }));

Deno.test("an email another user has cannot be linked", () =>
  withFixtures(async (db) => {
    const email = newEmail("taken");
    assert.equal(
      (await authClient(db.env).auth.signUp({ email, password: "secret-123" })).error,
      null,
    );
    const supabase = authClient(db.env);
    await supabase.auth.signInAnonymously();
    const { error } = await supabase.auth.updateUser({ email });
    assert.deepEqual([error?.status, error?.code], [422, "email_exists"]);
  }));
