/**
 * Storage for React Native over AsyncStorage (`@react-native-async-storage/async-storage`). The
 * SDK does not import it: pass the object, so apps that use another store pay nothing.
 *
 * The queue is one JSON value under one key; React Native has one JavaScript context, so the
 * copy read at the first load stays the truth and each write replaces the value.
 *
 * @module
 */
import type { QueuedEvent, Storage } from "./types.ts";

/** The part of AsyncStorage the adapter uses. */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
}

/**
 * @example
 * ```ts
 * import AsyncStorage from "@react-native-async-storage/async-storage";
 * const storage = asyncStorage(AsyncStorage);
 * ```
 */
export function asyncStorage(store: AsyncStorageLike, key = "track-event:queue"): Storage {
  let events: Promise<Map<string, QueuedEvent>> | undefined;
  const read = () =>
    events ??= store.getItem(key).then((text) => {
      let list: QueuedEvent[] = [];
      try {
        list = text ? JSON.parse(text) : [];
      } catch {
        // A corrupt value is replaced by the next write rather than blocking the queue.
      }
      return new Map(list.map((e) => [e.id, e]));
    }, (error) => {
      events = undefined;
      throw error;
    });
  const write = (map: Map<string, QueuedEvent>) =>
    store.setItem(key, JSON.stringify([...map.values()]));
  return {
    load: async () => [...(await read()).values()],
    async put(list) {
      const map = await read();
      for (const e of list) map.set(e.id, e);
      await write(map);
    },
    async remove(ids) {
      const map = await read();
      for (const id of ids) map.delete(id);
      await write(map);
    },
  };
}
