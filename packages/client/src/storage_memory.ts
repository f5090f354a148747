/**
 * Storage that lives as long as the process: the default outside browsers. Events survive a new
 * tracker made on the same storage object, not a restart of the process.
 *
 * @module
 */
import type { QueuedEvent, Storage } from "./types.ts";

/**
 * @example
 * ```ts
 * const storage = memoryStorage();
 * const tracker = createTracker({ url, apiKey, getAccessToken, storage });
 * ```
 */
export function memoryStorage(): Storage {
  const events = new Map<string, QueuedEvent>();
  return {
    volatile: true,
    load: () => Promise.resolve([...events.values()]),
    put(list) {
      for (const e of list) events.set(e.id, e);
      return Promise.resolve();
    },
    remove(ids) {
      for (const id of ids) events.delete(id);
      return Promise.resolve();
    },
  };
}
