// The browser lifecycle against a fake page, and the core's reaction to it: keepalive sends on
// pagehide and hidden, no unload listeners, a pause while offline, one sender per Web Lock.
import assert from "node:assert/strict";
import { browserLifecycle, type PageLike } from "../src/browser.ts";
import type { LifecycleControl } from "../src/platform.ts";
import { rig } from "./rig.ts";

class FakeTarget extends EventTarget {
  types: string[] = [];
  override addEventListener(type: string, fn: EventListenerOrEventListenerObject | null) {
    this.types.push(type);
    super.addEventListener(type, fn);
  }
}

function fakePage(options: { onLine?: boolean; locks?: boolean } = {}) {
  const granted: (() => void)[] = [];
  const page = {
    window: new FakeTarget(),
    document: Object.assign(new FakeTarget(), { visibilityState: "visible" }),
    navigator: {
      onLine: options.onLine ?? true,
      locks: options.locks
        ? {
          request(_name: string, _options: { signal: AbortSignal }, callback: () => Promise<void>) {
            return new Promise<void>((resolve) => granted.push(() => callback().then(resolve)));
          },
        }
        : undefined,
    },
  };
  return { page: page satisfies PageLike, granted };
}

/** A control that records what the lifecycle asked for. */
function recorder() {
  const calls: string[] = [];
  const control: LifecycleControl = {
    sendOnExit: () => calls.push("exit"),
    setOnline: (online) => calls.push(online ? "online" : "offline"),
    setLeader: (leader) => calls.push(leader ? "leader" : "follower"),
    wake: () => calls.push("wake"),
  };
  return { calls, control };
}

Deno.test("pagehide and visibilitychange to hidden send; unload and beforeunload are never used", () => {
  const { page } = fakePage();
  const { calls, control } = recorder();
  browserLifecycle(undefined, page)(control);
  page.document.dispatchEvent(new Event("visibilitychange"));
  page.document.visibilityState = "hidden";
  page.document.dispatchEvent(new Event("visibilitychange"));
  page.window.dispatchEvent(new Event("pagehide"));
  assert.deepEqual(calls, ["exit", "exit"]);
  const listened = [...page.window.types, ...page.document.types];
  assert.ok(!listened.includes("unload") && !listened.includes("beforeunload"));
});

Deno.test("offline and online events pause and resume; a page that starts offline is paused", () => {
  const { page } = fakePage({ onLine: false });
  const { calls, control } = recorder();
  const { detach } = browserLifecycle(undefined, page)(control);
  page.window.dispatchEvent(new Event("online"));
  page.window.dispatchEvent(new Event("offline"));
  detach();
  page.window.dispatchEvent(new Event("online"));
  assert.deepEqual(calls, ["offline", "online", "offline"]);
});

Deno.test("with Web Locks a tab sends only once it holds the lock", () => {
  const { page, granted } = fakePage({ locks: true });
  const { calls, control } = recorder();
  browserLifecycle("track-event:indexeddb:x", page)(control);
  assert.deepEqual(calls, ["follower"]);
  granted[0]();
  assert.deepEqual(calls, ["follower", "leader"]);
});

/** A tracker whose lifecycle control the test holds. */
function withControl() {
  let control!: LifecycleControl;
  const r = rig({}, { platform: { attach: (c) => (control = c, { detach() {} }) } });
  return { ...r, control };
}

Deno.test("sendOnExit sends with keepalive, uncompressed, at most 60 KiB, and keeps the rest", async () => {
  const r = withControl();
  let keepalive: RequestInit[] = [];
  const server = r.server.fetch;
  r.server.fetch = (url, init) => {
    if (init.keepalive) keepalive.push(init);
    return server(url, init);
  };
  for (let i = 0; i < 40; i++) r.tracker.track("e", { properties: { blob: "x".repeat(3000) } });
  await r.clock.settle();
  r.control.sendOnExit();
  await r.clock.settle();
  assert.equal(keepalive.length, 1);
  const body = keepalive[0].body as string;
  assert.equal(typeof body, "string", "sent uncompressed");
  assert.ok(new TextEncoder().encode(body).length <= 60 * 1024);
  const sent = JSON.parse(body).events.length;
  assert.ok(sent > 10 && sent < 40, `${sent} events in the keepalive body`);
  assert.equal(r.tracker.stats().queued, 40 - sent, "the acknowledged ones are removed");
  keepalive = [];
});

Deno.test("while offline nothing is sent; back online, the queue goes at once", async () => {
  const r = withControl();
  r.control.setOnline(false);
  r.tracker.track("a");
  await r.clock.advance(60_000);
  assert.equal(r.server.requests.length, 0);
  r.control.setOnline(true);
  await r.clock.advance(0);
  assert.equal(r.server.requests.length, 1);
});

Deno.test("a tab that is not the elected sender queues but does not send", async () => {
  const r = withControl();
  r.control.setLeader(false);
  r.tracker.track("a");
  await r.clock.advance(60_000);
  assert.equal(r.server.requests.length, 0);
  assert.equal(r.storage.events.size, 1, "queued in the shared storage for the sender");
  r.control.setLeader(true);
  await r.clock.advance(0);
  assert.equal(r.server.requests.length, 1);
});

Deno.test("tabs on one storage wake each other through a BroadcastChannel after each write", () => {
  const channels: { name: string; onmessage: unknown; sent: unknown[] }[] = [];
  class FakeChannel {
    onmessage: unknown = null;
    sent: unknown[] = [];
    constructor(readonly name: string) {
      channels.push(this);
    }
    postMessage(message: unknown) {
      this.sent.push(message);
    }
    close() {}
  }
  const { page } = fakePage();
  const { calls, control } = recorder();
  const hooks = browserLifecycle("track-event:indexeddb:x", {
    ...page,
    BroadcastChannel: FakeChannel,
  })(
    control,
  );
  assert.equal(channels[0].name, "track-event:indexeddb:x");
  hooks.announce?.();
  assert.equal(channels[0].sent.length, 1);
  (channels[0].onmessage as () => void)();
  assert.deepEqual(calls, ["wake"]);
});

Deno.test("a wake makes the sender reload the shared storage and send what another tab queued", async () => {
  const r = withControl();
  await r.clock.settle();
  // Another tab's tracker wrote this event to the shared storage.
  const other = {
    id: "01a21c72-9100-7000-8000-000000000001",
    at: r.clock.now(),
    size: 90,
    sub: "alice",
    body: {
      event: "e",
      event_id: "01a21c72-9100-7000-8000-000000000001",
      occurred_at: "2026-11-27T10:00:00.000Z",
    },
  };
  await r.storage.put([other]);
  r.control.wake();
  await r.clock.settle();
  assert.equal(r.server.isStored("alice", other.id), true);
});
