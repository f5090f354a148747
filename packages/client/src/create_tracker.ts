/**
 * `createTracker`: the core with the platform's defaults. IndexedDB and the page lifecycle in
 * browsers; memory storage and no lifecycle in Deno, Node, Bun and React Native (pass
 * `asyncStorage(AsyncStorage)` there).
 *
 * @module
 */
import { browserLifecycle } from "./browser.ts";
import { globalPlatform } from "./platform.ts";
import { indexedDBStorage } from "./storage_indexeddb.ts";
import { memoryStorage } from "./storage_memory.ts";
import { createCoreTracker } from "./tracker.ts";
import type { AnyEvents, Tracker, TrackerOptions } from "./types.ts";

/**
 * Creates a tracker. Pass an event map to type-check event names and their properties.
 *
 * @example
 * ```ts
 * type Events = { stage_started: { attempt: number }; app_opened: Record<string, never> };
 * const tracker = createTracker<Events>({
 *   url: `${SUPABASE_URL}/functions/v1/track-event`,
 *   apiKey: SUPABASE_ANON_KEY,
 *   getAccessToken: supabaseAccessToken(supabase),
 * });
 * const eventId = tracker.track("stage_started", { job_id, stage: "render", properties: { attempt: 1 } });
 * await tracker.flush({ timeoutMs: 5000 });
 * ```
 */
export function createTracker<E = AnyEvents>(options: TrackerOptions): Tracker<E> {
  const platform = globalPlatform();
  const storage = options.storage ??
    (typeof indexedDB === "object" ? indexedDBStorage() : memoryStorage());
  if (typeof document === "object" && typeof addEventListener === "function") {
    platform.attach = browserLifecycle(storage.shared && `track-event:${storage.shared}`);
  }
  return createCoreTracker<E>(options, storage, platform);
}
