/**
 * `@track-event/client`: send analytics events to the track-event Edge Function from browsers,
 * React Native, Deno, Node and Bun, with a durable per-user queue and retries.
 *
 * @example
 * ```ts
 * import { createTracker, supabaseAccessToken } from "@track-event/client";
 * const tracker = createTracker({ url, apiKey, getAccessToken: supabaseAccessToken(supabase) });
 * tracker.track("app_opened");
 * ```
 *
 * @module
 */
export { createTracker } from "./create_tracker.ts";
export { createCoreTracker } from "./tracker.ts";
export { globalPlatform, type LifecycleControl, type Platform } from "./platform.ts";
export { browserLifecycle } from "./browser.ts";
export { memoryStorage } from "./storage_memory.ts";
export { indexedDBStorage } from "./storage_indexeddb.ts";
export { asyncStorage, type AsyncStorageLike } from "./storage_async_storage.ts";
export { supabaseAccessToken, type SupabaseAuthLike } from "./supabase.ts";
export type {
  AnyEvents,
  ErrorCode,
  EventBody,
  GetAccessToken,
  QueuedEvent,
  Storage,
  TokenRequest,
  Tracker,
  TrackerError,
  TrackerOptions,
  TrackerStats,
  TrackFields,
  WaitOptions,
} from "./types.ts";
