/**
 * The browser's part: last-chance sends when the page is hidden or left, pausing while offline,
 * and one sender among the tabs that share a storage. Never `unload` or `beforeunload`: they are
 * unreliable on mobile and disable the back/forward cache.
 *
 * @module
 */
import type { LifecycleControl, LifecycleHooks } from "./platform.ts";

/** The parts of a page the lifecycle uses; tests pass fakes. */
export interface PageLike {
  window: EventTarget;
  document: EventTarget & { visibilityState: string };
  navigator: {
    onLine?: boolean;
    locks?: {
      request(
        name: string,
        options: { signal: AbortSignal },
        callback: () => Promise<void>,
      ): Promise<unknown>;
    };
  };
  BroadcastChannel?: new (name: string) => {
    onmessage: unknown;
    postMessage(message: unknown): void;
    close(): void;
  };
}

/**
 * Connects the page's lifecycle to a tracker; with `lockName`, the tab sends only while it holds
 * that Web Lock (others queue in the shared storage and take over when it goes away).
 *
 * @example
 * ```ts
 * const platform = { ...globalPlatform(), attach: browserLifecycle("track-event:indexeddb:x") };
 * ```
 */
export function browserLifecycle(lockName?: string, page?: PageLike) {
  return (control: LifecycleControl): LifecycleHooks => {
    const { window, document, navigator, BroadcastChannel } = page ??
      globalThis as unknown as PageLike;
    const listeners: [EventTarget, string, () => void][] = [
      [window, "pagehide", () => control.sendOnExit()],
      [document, "visibilitychange", () => {
        if (document.visibilityState === "hidden") control.sendOnExit();
      }],
      [window, "online", () => control.setOnline(true)],
      [window, "offline", () => control.setOnline(false)],
    ];
    for (const [target, type, fn] of listeners) target.addEventListener(type, fn);
    if (navigator.onLine === false) control.setOnline(false);

    const abort = new AbortController();
    let release = () => {};
    if (lockName && navigator.locks) {
      control.setLeader(false);
      navigator.locks.request(lockName, { signal: abort.signal }, () => {
        control.setLeader(true);
        return new Promise<void>((resolve) => release = resolve);
      }).catch(() => {});
    }
    // Tabs share the storage but not memory: a write in one wakes the others, so the sender
    // sends what a quiet tab queued, and the others see what the sender removed.
    const channel = lockName && BroadcastChannel ? new BroadcastChannel(lockName) : undefined;
    if (channel) channel.onmessage = () => control.wake();
    return {
      detach() {
        for (const [target, type, fn] of listeners) target.removeEventListener(type, fn);
        abort.abort();
        release();
        channel?.close();
      },
      announce: () => channel?.postMessage(0),
    };
  };
}
