/**
 * `@track-event/client/analytics`: the core SDK and its product-analytics layer in one bundle
 * (`dist/track-event-analytics.js`).
 *
 * @example
 * ```ts
 * import { createAnalytics, supabaseAccessToken } from "@track-event/client/analytics";
 * const analytics = createAnalytics({ url, apiKey, getAccessToken: supabaseAccessToken(supabase) });
 * analytics.track("app_opened");
 * ```
 *
 * @module
 */
export * from "./index.ts";
export {
  type Analytics,
  type AnalyticsEvent,
  type AnalyticsOptions,
  createAnalytics,
} from "./analytics.ts";
export { browserContext } from "./browser_context.ts";
export type { SettingsStorage } from "./settings.ts";
