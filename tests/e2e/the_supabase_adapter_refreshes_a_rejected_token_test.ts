import assert from "node:assert/strict";
import { createCoreTracker } from "../../packages/client/src/tracker.ts";
import { globalPlatform } from "../../packages/client/src/platform.ts";
import { memoryStorage } from "../../packages/client/src/storage_memory.ts";
import { supabaseAccessToken } from "../../packages/client/src/supabase.ts";
import { signUserToken, withFixtures } from "../support/fixtures.ts";
import { authClient, memoryAuthStorage, newEmail } from "../support/auth_client.ts";

Deno.test("after a 401 the SDK's supabase adapter refreshes the session and the event lands", () =>
  withFixtures(async (db) => {
    const storage = memoryAuthStorage();
    const supabase = authClient(db.env, storage);
    const { data } = await supabase.auth.signUp({ email: newEmail("dee"), password: "secret-123" });
    const user = data.session!.user;
    const job = await db.createJob(user.id);

    // The stored session still looks valid to supabase-js, but the function refuses its token
    // (as after a clock jump or a rotated secret): only a refresh can fix it.
    const [key] = [...storage.items.keys()];
    const stored = JSON.parse(storage.items.get(key)!);
    stored.access_token = await signUserToken(db.env.jwtSecret, {
      sub: user.id,
      expiresInSeconds: -120,
    });
    storage.items.set(key, JSON.stringify(stored));
    const rejected = stored.access_token;

    const tokens: string[] = [];
    const adapter = supabaseAccessToken(supabase);
    const tracker = createCoreTracker(
      {
        url: `${db.env.apiUrl}/functions/v1/track-event`,
        apiKey: db.env.anonKey,
        getAccessToken: async (options) => {
          const token = await adapter(options);
          if (token) tokens.push(token);
          return token;
        },
      },
      memoryStorage(),
      globalPlatform(),
    );
    try {
      const id = tracker.track("stage_started", { job_id: job, stage: "fetch" });
      assert.equal(await tracker.flush({ timeoutMs: 20_000 }), true, "flushed");
      assert.equal(tokens[0], rejected, "the first send used the stored token");
      assert.ok(tokens.length >= 2 && tokens.at(-1) !== rejected, "then a refreshed one");
      const rows = await db.eventsOf(user.id);
      assert.deepEqual(rows.map((row) => row.event_id), [id]);
    } finally {
      await tracker.close();
    }
  }));
