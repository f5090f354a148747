/**
 * What the core needs from the platform, so tests can pass a fake clock, fetch and randomness,
 * and browsers can add their lifecycle.
 *
 * @module
 */

/** Switches the lifecycle adapters can flip, and the last-chance send. */
export interface LifecycleControl {
  /** Sends what fits in one `keepalive` request with the last known token (page is leaving). */
  sendOnExit(): void;
  setOnline(online: boolean): void;
  /** Whether this context may send (the Web Locks election between tabs). */
  setLeader(leader: boolean): void;
  /** Another context changed the shared storage: reload it (and send, if this one may). */
  wake(): void;
}

/** What a lifecycle adapter gives back to the core. */
export interface LifecycleHooks {
  detach(): void;
  /** The core wrote to the shared storage: tell the other contexts. */
  announce?(): void;
}

export interface Platform {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  now: () => number;
  /** For backoff jitter, in [0, 1). */
  random: () => number;
  /** Fills `bytes` with cryptographically random values, for event ids. */
  randomBytes: (bytes: Uint8Array) => unknown;
  /** `keepAlive`: the timer holds a Node or Deno process open (others do not). */
  setTimeout: (fn: () => void, ms: number, keepAlive?: boolean) => unknown;
  clearTimeout: (handle: unknown) => void;
  /** gzip, where the platform has it (CompressionStream). */
  gzip?: (text: string) => Promise<Uint8Array>;
  /** Connects lifecycle events. */
  attach?: (control: LifecycleControl) => LifecycleHooks;
}

/**
 * The platform of the global scope: fetch, timers, crypto and, where present, CompressionStream.
 *
 * @example
 * ```ts
 * const platform = globalPlatform();
 * ```
 */
export function globalPlatform(): Platform {
  const g = globalThis;
  return {
    fetch: (url, init) => g.fetch(url, init),
    now: () => Date.now(),
    random: Math.random,
    randomBytes: (bytes) => g.crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>),
    // Unref'd where the platform can: a tracker retrying must not keep a Node or Deno process
    // alive once the app is done. A flush() holds it, with its own keepAlive timer.
    setTimeout(fn, ms, keepAlive) {
      const timer = g.setTimeout(fn, ms);
      if (keepAlive) return timer;
      // deno-lint-ignore no-explicit-any
      const deno = (g as any).Deno;
      if (typeof timer === "object") (timer as { unref?: () => void }).unref?.();
      else deno?.unrefTimer?.(timer);
      return timer;
    },
    clearTimeout: (handle) => g.clearTimeout(handle as number),
    gzip: typeof CompressionStream === "function"
      ? async (text) =>
        new Uint8Array(
          await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")))
            .arrayBuffer(),
        )
      : undefined,
  };
}
