/**
 * Remembers, per isolate, a user whose insert the database refused as `rate_limited`, until the
 * Retry-After it gave. A limited client that keeps posting is then refused before its body is
 * read, parsed or sent on: it costs this isolate a token check, and the database nothing.
 *
 * It never refuses longer than the database said: the wait counts from the moment the request
 * arrived, which is before the database measured it. The database stays the authority: an
 * isolate that has not seen the refusal asks it, and an operator who raises a user's limit is
 * heard once the remembered wait is over, at most one Retry-After later.
 *
 * @module
 */
import { RateLimitedError } from "../_shared/errors.ts";

/** The refusals in force, by user. */
export interface RefusalMemory {
  /** The refusal still in force for `userId`, with the wait that is left, or null. */
  current(userId: string): RateLimitedError | null;
  /** Remembers the database's `refusal` of a request that arrived at `receivedAt`. */
  remember(userId: string, refusal: RateLimitedError, receivedAt: Date): void;
}

/** How many users to remember at most, and the clock; injectable so tests need no wall clock. */
export interface RefusalMemoryOptions {
  maxEntries: number;
  now: () => Date;
}

interface Remembered {
  untilMs: number;
  refusal: RateLimitedError;
}

/**
 * A refusal memory bounded by entry count; when full, the oldest entries go first.
 *
 * @example
 * ```ts
 * const memory = createRefusalMemory({ maxEntries: 10_000, now: () => new Date() });
 * memory.remember(userId, new RateLimitedError(2000, null), receivedAt);
 * memory.current(userId); // a RateLimitedError with the wait left, until receivedAt + 2 s
 * ```
 */
export function createRefusalMemory(options: RefusalMemoryOptions): RefusalMemory {
  const byUser = new Map<string, Remembered>();
  return {
    current(userId) {
      const entry = byUser.get(userId);
      if (entry === undefined) return null;
      const leftMs = entry.untilMs - options.now().getTime();
      if (leftMs <= 0) {
        byUser.delete(userId);
        return null;
      }
      const limit = entry.refusal.limit;
      // Whatever drained meanwhile, the bucket had no room for one event when refused.
      return new RateLimitedError(leftMs, limit === null ? null : { ...limit, available: 0 });
    },
    remember(userId, refusal, receivedAt) {
      const untilMs = receivedAt.getTime() + refusal.retryAfterMs;
      if (untilMs <= options.now().getTime()) return;
      // Re-inserting moves the key to the end of the Map's order: oldest stays first.
      byUser.delete(userId);
      byUser.set(userId, { untilMs, refusal });
      for (const key of byUser.keys()) {
        if (byUser.size <= options.maxEntries) break;
        byUser.delete(key);
      }
    },
  };
}
