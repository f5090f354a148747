/**
 * Where the analytics layer keeps what must outlive a page: super properties, the opt-out and the
 * session. Synchronous, so that `track()` stays synchronous and an opted-out page never queues an
 * event while a read is pending.
 *
 * @module
 */

/** A synchronous key-value store: `localStorage` fits, and so does React Native's MMKV. */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What is kept, as one JSON value. */
export interface Settings {
  properties: Record<string, unknown>;
  optedOut: boolean;
  session?: { id: string; last: number };
}

/**
 * `localStorage` where there is one and it works (Safari's private mode and sandboxed frames may
 * throw), memory elsewhere.
 *
 * @example
 * ```ts
 * defaultSettingsStorage().setItem("k", "v");
 * ```
 */
export function defaultSettingsStorage(): SettingsStorage {
  try {
    const store = globalThis.localStorage;
    store.setItem("track-event:probe", "1");
    return store;
  } catch {
    const map = new Map<string, string>();
    return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
  }
}

/**
 * Reads and writes the settings under `key`. Every read goes to the storage, so that an opt-out,
 * a super property or a session another tab of the origin saved holds here at once. An unreadable
 * value is a fresh start; once a write fails, this page's copy is in force.
 *
 * @example
 * ```ts
 * const settings = settingsIn(defaultSettingsStorage(), "track-event:settings");
 * settings.save({ ...settings.current, optedOut: true });
 * ```
 */
export function settingsIn(storage: SettingsStorage, key: string) {
  const read = (): Settings | null => {
    try {
      const stored = JSON.parse(storage.getItem(key) ?? "null");
      if (stored && typeof stored === "object") {
        return { properties: {}, optedOut: false, ...stored };
      }
    } catch {
      // A value another version or the user wrote: start fresh.
    }
    return null;
  };
  let memo: Settings = read() ?? { properties: {}, optedOut: false };
  let writable = true;
  return {
    get current(): Settings {
      if (writable) memo = read() ?? memo;
      return memo;
    },
    save(next: Settings) {
      memo = next;
      try {
        storage.setItem(key, JSON.stringify(next));
      } catch {
        // Full or disabled storage: this page keeps the settings in memory.
        writable = false;
      }
    },
  };
}
