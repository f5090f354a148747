/**
 * The browser's part: last-chance sends when the page is hidden or left, pausing while offline,
 * and one sender among the tabs that share a storage. Never `unload` or `beforeunload`: they are
 * unreliable on mobile and disable the back/forward cache.
 *
 * @module
 */
import type { LifecycleControl } from "./platform.ts";

/**
 * Connects the page's lifecycle to a tracker; with `lockName`, the tab sends only while it holds
 * that Web Lock (others queue in the shared storage and take over when it goes away).
 *
 * @example
 * ```ts
 * const platform = { ...globalPlatform(), attach: browserLifecycle("track-event:indexeddb:x") };
 * ```
 */
export function browserLifecycle(lockName?: string) {
  return (control: LifecycleControl): () => void => {
    const doc = document;
    const listeners: [EventTarget, string, () => void][] = [
      [globalThis, "pagehide", () => control.sendOnExit()],
      [doc, "visibilitychange", () => doc.visibilityState === "hidden" && control.sendOnExit()],
      [globalThis, "online", () => control.setOnline(true)],
      [globalThis, "offline", () => control.setOnline(false)],
    ];
    for (const [target, type, fn] of listeners) target.addEventListener(type, fn);
    if (navigator.onLine === false) control.setOnline(false);

    const abort = new AbortController();
    let release = () => {};
    const locks = navigator.locks;
    if (lockName && locks) {
      control.setLeader(false);
      locks.request(lockName, { signal: abort.signal }, () => {
        control.setLeader(true);
        return new Promise<void>((resolve) => release = resolve);
      }).catch(() => {});
    }
    return () => {
      for (const [target, type, fn] of listeners) target.removeEventListener(type, fn);
      abort.abort();
      release();
    };
  };
}
