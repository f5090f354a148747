/**
 * A small positive cache of "this user can see this job", so that a client sending events for
 * the same job every few seconds does not cost a query each time. Only successes are cached;
 * the database policy still checks every insert, and a rejected insert evicts the entries.
 *
 * @module
 */

/** Remembers verified (user, job) pairs for a while. */
export interface OwnershipCache {
  /** The ids among `jobIds` not known to be visible to `userId`. */
  unknown(userId: string, jobIds: readonly string[]): string[];
  remember(userId: string, jobIds: readonly string[]): void;
  forget(userId: string, jobIds: readonly string[]): void;
}

/** Cache size and lifetime; `now` is injectable so tests need no wall clock. */
export interface OwnershipCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => Date;
}

/**
 * A TTL cache bounded by entry count; when full, the oldest entries go first.
 *
 * @example
 * ```ts
 * const cache = createOwnershipCache({ ttlMs: 60_000, maxEntries: 10_000, now: () => new Date() });
 * cache.remember("user", ["job"]);
 * cache.unknown("user", ["job", "other"]); // ["other"]
 * ```
 */
export function createOwnershipCache(options: OwnershipCacheOptions): OwnershipCache {
  const expiries = new Map<string, number>();
  const keyOf = (userId: string, jobId: string) => `${userId}/${jobId}`;
  return {
    unknown(userId, jobIds) {
      const now = options.now().getTime();
      return jobIds.filter((jobId) => {
        const key = keyOf(userId, jobId);
        const expiry = expiries.get(key);
        if (expiry !== undefined && expiry <= now) expiries.delete(key);
        return expiry === undefined || expiry <= now;
      });
    },
    remember(userId, jobIds) {
      const expiry = options.now().getTime() + options.ttlMs;
      for (const jobId of jobIds) {
        const key = keyOf(userId, jobId);
        // Re-inserting moves the key to the end of the Map's order: oldest stays first.
        expiries.delete(key);
        expiries.set(key, expiry);
      }
      for (const key of expiries.keys()) {
        if (expiries.size <= options.maxEntries) break;
        expiries.delete(key);
      }
    },
    forget(userId, jobIds) {
      for (const jobId of jobIds) expiries.delete(keyOf(userId, jobId));
    },
  };
}
