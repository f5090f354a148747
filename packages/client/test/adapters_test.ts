// Storage adapters, the supabase-js adapter and createTracker's defaults outside a browser.
import assert from "node:assert/strict";
import { createTracker } from "../src/create_tracker.ts";
import { asyncStorage, type AsyncStorageLike } from "../src/storage_async_storage.ts";
import { memoryStorage } from "../src/storage_memory.ts";
import { supabaseAccessToken } from "../src/supabase.ts";
import type { QueuedEvent, Storage } from "../src/types.ts";

const event = (id: string, at = 1): QueuedEvent => ({
  id,
  at,
  size: 10,
  sub: "u",
  body: { event: "e", event_id: id, occurred_at: "2026-11-27T10:00:00.000Z" },
});

function fakeAsyncStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  const store: AsyncStorageLike & { items: Map<string, string>; reads: number } = {
    items,
    reads: 0,
    getItem: (key) => (store.reads++, Promise.resolve(items.get(key) ?? null)),
    setItem: (key, value) => (items.set(key, value), Promise.resolve()),
  };
  return store;
}

async function behavesAsStorage(storage: Storage) {
  assert.deepEqual(await storage.load(), []);
  await storage.put([event("a"), event("b")]);
  await storage.put([{ ...event("a"), sub: "v" }]);
  await storage.remove(["b", "missing"]);
  assert.deepEqual(await storage.load(), [{ ...event("a"), sub: "v" }]);
}

Deno.test("memory storage keeps, replaces and removes events", () =>
  behavesAsStorage(memoryStorage()));

Deno.test("AsyncStorage adapter keeps, replaces and removes events under one key", async () => {
  const store = fakeAsyncStorage();
  await behavesAsStorage(asyncStorage(store));
  assert.deepEqual(JSON.parse(store.items.get("track-event:queue")!), [{
    ...event("a"),
    sub: "v",
  }]);
});

Deno.test("AsyncStorage adapter reads what an earlier app run stored, and reads it once", async () => {
  const store = fakeAsyncStorage({ "q": JSON.stringify([event("a")]) });
  const storage = asyncStorage(store, "q");
  assert.deepEqual(await storage.load(), [event("a")]);
  await storage.load();
  assert.equal(store.reads, 1);
});

Deno.test("AsyncStorage adapter starts empty over a corrupt value instead of failing", async () => {
  const storage = asyncStorage(fakeAsyncStorage({ "q": "{not json" }), "q");
  assert.deepEqual(await storage.load(), []);
});

function fakeSupabase(session: { access_token: string } | null, error: unknown = null) {
  const calls: string[] = [];
  const result = () => Promise.resolve({ data: { session }, error });
  return {
    calls,
    auth: {
      getSession: () => (calls.push("getSession"), result()),
      refreshSession: () => (calls.push("refreshSession"), result()),
    },
  };
}

Deno.test("supabase adapter: getSession normally, refreshSession on forceRefresh", async () => {
  const supabase = fakeSupabase({ access_token: "t1" });
  const getAccessToken = supabaseAccessToken(supabase);
  assert.equal(await getAccessToken({ forceRefresh: false }), "t1");
  assert.equal(await getAccessToken({ forceRefresh: true }), "t1");
  assert.deepEqual(supabase.calls, ["getSession", "refreshSession"]);
});

Deno.test("supabase adapter: no session is signed out; an error without a session is thrown", async () => {
  assert.equal(await supabaseAccessToken(fakeSupabase(null))({ forceRefresh: false }), null);
  const offline = supabaseAccessToken(fakeSupabase(null, new Error("fetch failed")));
  await assert.rejects(() => offline({ forceRefresh: false }), /fetch failed/);
  assert.equal(await offline({ forceRefresh: true }), null, "a failed refresh holds, not throws");
});

Deno.test("supabase adapter: when reading fails, the last announced session names the user", async () => {
  let announce: (event: string, session: { access_token: string } | null) => void = () => {};
  const offline = {
    auth: {
      ...fakeSupabase(null, new Error("fetch failed")).auth,
      onAuthStateChange: (callback: typeof announce) => announce = callback,
    },
  };
  const getAccessToken = supabaseAccessToken(offline);
  announce("SIGNED_IN", { access_token: "alice-expired" });
  announce("SIGNED_IN", { access_token: "bob-expired" });
  assert.equal(await getAccessToken({ forceRefresh: false }), "bob-expired", "the switch is seen");
  announce("SIGNED_OUT", null);
  assert.equal(await getAccessToken({ forceRefresh: false }), null, "signed out is known");
});

Deno.test("createTracker outside a browser works on memory storage with the global fetch", async () => {
  const received: unknown[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const body = await request.json();
    received.push({ auth: request.headers.get("authorization"), body });
    const events = [{ event_id: body.events[0].event_id, status: "created" }];
    return Response.json({ accepted: 1, duplicates: 0, events }, { status: 201 });
  });
  try {
    const tracker = createTracker<{ app_opened: { platform: string } }>({
      url: `http://127.0.0.1:${server.addr.port}/functions/v1/track-event`,
      apiKey: "anon",
      getAccessToken: () => Promise.resolve("a.eyJzdWIiOiJ1In0.s"),
    });
    const id = tracker.track("app_opened", { properties: { platform: "deno" } });
    assert.equal(await tracker.flush({ timeoutMs: 10_000 }), true);
    assert.deepEqual(tracker.stats(), { queued: 0, sent: 1, duplicates: 0, dropped: 0 });
    await tracker.close();
    assert.equal(received.length, 1);
    const [{ auth, body }] = received as {
      auth: string;
      body: { events: { event_id: string }[] };
    }[];
    assert.equal(auth, "Bearer a.eyJzdWIiOiJ1In0.s");
    assert.equal(body.events[0].event_id, id);
  } finally {
    await server.shutdown();
  }
});
