/**
 * The product-analytics layer over a tracker: super properties (`register`), opt-out and opt-in,
 * a `beforeSend` hook, automatic context (library, session, and in browsers the page), and debug
 * logging. It is its own entry point (`@track-event/client/analytics`), so the core bundle stays
 * small for apps that need none of it.
 *
 * @module
 */
import { browserContext } from "./browser_context.ts";
import { createTracker } from "./create_tracker.ts";
import { globalPlatform } from "./platform.ts";
import { DEFAULT_SESSION_IDLE_MS, touchSession } from "./session.ts";
import { defaultSettingsStorage, settingsIn, type SettingsStorage } from "./settings.ts";
import type { AnyEvents, Tracker, TrackerOptions, TrackFields } from "./types.ts";
import { uuidV7Generator } from "./uuid_v7.ts";
import { LIBRARY } from "./version.ts";

/** One event as `beforeSend` sees it, with super properties and context filled in. */
export interface AnalyticsEvent extends TrackFields<Record<string, unknown>> {
  event: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
}

/** The options of `createAnalytics`: the tracker's, and these. */
export interface AnalyticsOptions extends TrackerOptions {
  /** Added to every event's context, e.g. `{ app: { version: "2.3.1", build: "451" } }`. */
  context?: Record<string, unknown>;
  /**
   * Sees every event last, before it is queued: return it, a changed copy, or null to drop it.
   * An event whose `beforeSend` throws is dropped (it may have been meant to remove data).
   */
  beforeSend?: (event: AnalyticsEvent) => AnalyticsEvent | null;
  /** Logs what happens to `console.debug`, or to the function given. */
  debug?: boolean | ((message: string, detail?: unknown) => void);
  /**
   * Where super properties, the opt-out and the session are kept (synchronous, like
   * `localStorage`, the default in browsers; memory elsewhere).
   */
  settings?: SettingsStorage;
  /** The settings' key, so that two trackers on one origin keep theirs apart. */
  settingsKey?: string;
  /** A session ends after this long without an event (default 30 minutes). */
  sessionIdleMs?: number;
  /** Collects the page, locale, time zone and screen in browsers (default true). */
  browserContext?: boolean;
  /** The clock, for tests. */
  now?: () => number;
}

/** A tracker with the analytics layer's methods. */
export interface Analytics<E = AnyEvents> extends Tracker<E> {
  /**
   * Queues the event, with super properties and context, after `beforeSend`; returns its id, or
   * "" when it was not queued (opted out, or dropped by `beforeSend`).
   */
  track<K extends keyof E & string>(event: K, fields?: TrackFields<E[K]>): string;
  /** Adds super properties: sent with every later event (its own properties win), and kept. */
  register(properties: Record<string, unknown>): void;
  /** Removes super properties by key. */
  unregister(...keys: string[]): void;
  /**
   * Stops tracking on this device, and keeps that choice: queued events are dropped unsent, new
   * ones are not queued, and nothing is sent until `optIn()`.
   */
  optOut(): void;
  /** Tracks again after `optOut()`. */
  optIn(): void;
  /** Whether tracking is opted out on this device. */
  optedOut(): boolean;
  /** The current session's id (a UUIDv7), as the next event will carry it. */
  sessionId(): string;
}

/**
 * Creates a tracker with the analytics layer.
 *
 * @example
 * ```ts
 * const analytics = createAnalytics({
 *   url, apiKey, getAccessToken: supabaseAccessToken(supabase),
 *   context: { app: { version: "2.3.1" } },
 *   beforeSend: (e) => e.event === "debug_ping" ? null : e,
 * });
 * analytics.register({ plan: "pro" });
 * analytics.track("page_view");
 * ```
 */
export function createAnalytics<E = AnyEvents>(
  options: AnalyticsOptions,
  make: (options: TrackerOptions) => Tracker<E> = createTracker,
): Analytics<E> {
  const now = options.now ?? Date.now;
  const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const debug = options.debug;
  const log = typeof debug === "function"
    ? debug
    : debug
    ? (message: string, detail?: unknown) => console.debug(`[track-event] ${message}`, detail)
    : () => {};
  const settings = settingsIn(
    options.settings ?? defaultSettingsStorage(),
    options.settingsKey ?? "track-event:settings",
  );
  const newId = uuidV7Generator(now, globalPlatform().randomBytes);
  const session = () => {
    const { id, session } = touchSession(settings.current.session, now(), idleMs, newId);
    settings.save({ ...settings.current, session });
    return id;
  };
  const tracker = make({
    ...options,
    // While opted out there is no user to send for: nothing leaves, and what this tab still
    // queues (tracked before another tab opted out) is dropped when delivery asks.
    getAccessToken(request) {
      if (!settings.current.optedOut) return options.getAccessToken(request);
      tracker.clear();
      return Promise.resolve(null);
    },
    onError(error) {
      log(`${error.code}: ${error.message}`, error);
      options.onError?.(error);
    },
  });

  return {
    ...tracker,
    track(name, fields) {
      if (settings.current.optedOut) {
        log(`opted out: ${name} not tracked`);
        return "";
      }
      let event: AnalyticsEvent | null;
      try {
        const given = (fields ?? {}) as TrackFields<Record<string, unknown>>;
        event = {
          ...given,
          event: name,
          properties: { ...settings.current.properties, ...given.properties },
          context: {
            library: LIBRARY,
            session_id: session(),
            ...(options.browserContext === false ? {} : browserContext()),
            ...options.context,
            ...given.context,
          },
        };
        event = options.beforeSend ? options.beforeSend(event) : event;
      } catch (error) {
        // A throwing getter in the fields, or a throwing beforeSend: never thrown into the app,
        // and never sent past the hook that may have been meant to remove data.
        const message = `${name} dropped: it could not be prepared (${error})`;
        log(message, error);
        try {
          options.onError?.({ code: "invalid_event", message, eventIds: [] });
        } catch {
          // The app's handler must not break track().
        }
        return "";
      }
      if (!event) {
        log(`beforeSend dropped ${name}`);
        return "";
      }
      const { event: sent, ...rest } = event;
      // The event map typed the call; beforeSend may rename it, as its type allows.
      const id = tracker.track(sent as never, rest as never);
      log(`tracked ${sent} ${id}`, event);
      return id;
    },
    register(properties) {
      const merged = { ...settings.current.properties, ...properties };
      settings.save({ ...settings.current, properties: merged });
    },
    unregister(...keys) {
      const properties = { ...settings.current.properties };
      for (const key of keys) delete properties[key];
      settings.save({ ...settings.current, properties });
    },
    optOut() {
      settings.save({ ...settings.current, optedOut: true });
      tracker.clear();
      log("opted out: the queue was cleared");
    },
    optIn() {
      settings.save({ ...settings.current, optedOut: false });
      log("opted in");
      // Delivery may be holding for a token since the opt-out: look again now.
      void tracker.flush({ timeoutMs: 0 });
    },
    optedOut: () => settings.current.optedOut,
    sessionId: () => {
      const stored = settings.current.session;
      return stored && now() - stored.last <= idleMs ? stored.id : session();
    },
  };
}
