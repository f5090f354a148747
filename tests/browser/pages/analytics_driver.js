// An app on `@track-event/client/analytics`: supabase-js signs in (anonymously first, then links
// an email), and the SDK takes its tokens from supabase-js through `supabaseAccessToken`. Public
// APIs only; supabase-js keeps its session in localStorage, so a reload stays signed in.

// Variables, so that Deno's type checker, which sees this file too, leaves the paths alone.
const SUPABASE_JS_URL = "/test-pages/vendor/supabase-js.js";
const SDK_URL = "/sdk/track-event-analytics.js";
const { createClient } = await import(SUPABASE_JS_URL);
const { createAnalytics, supabaseAccessToken } = await import(SDK_URL);
import { storedRecords } from "./stored_records.js";

let supabase;
let analytics;
const errors = [];
const debugLines = [];

const userOf = ({ data, error }) =>
  error ? { error: error.message } : { userId: data.user.id, anonymous: data.user.is_anonymous };

globalThis.analyticsApp = {
  /** supabase-js and the analytics tracker, as the README's app makes them. */
  start(anonKey, { appVersion = "2.3.1", sessionIdleMs } = {}) {
    supabase = createClient(location.origin, anonKey);
    analytics = createAnalytics({
      url: `${location.origin}/functions/v1/track-event`,
      apiKey: anonKey,
      getAccessToken: supabaseAccessToken(supabase),
      context: { app: { version: appVersion } },
      sessionIdleMs,
      debug: (message) => debugLines.push(message),
      onError: (error) => errors.push(error.code),
    });
  },
  signInAnonymously: async () => userOf(await supabase.auth.signInAnonymously()),
  linkEmail: async (email, password) => userOf(await supabase.auth.updateUser({ email, password })),
  signIn: async (email, password) =>
    userOf(await supabase.auth.signInWithPassword({ email, password })),
  signOut: async () => {
    const { error } = await supabase.auth.signOut();
    return error ? error.message : null;
  },
  /** Tracks `count` events named `name`, and returns their ids ("" for one not queued). */
  track(count, name = "analytics_test") {
    return Array.from({ length: count }, (_, i) => analytics.track(name, { properties: { i } }));
  },
  /** Tracks `count` events, then opts out in the same task: none can have left before. */
  trackThenOptOut(count) {
    const ids = globalThis.analyticsApp.track(count, "before_opt_out");
    analytics.optOut();
    return ids;
  },
  register: (properties) => analytics.register(properties),
  optOut: () => analytics.optOut(),
  optIn: () => analytics.optIn(),
  optedOut: () => analytics.optedOut(),
  sessionId: () => analytics.sessionId(),
  /** Moves the stored session's last activity `ms` into the past, as after that long idle. */
  ageSession(ms) {
    const key = "track-event:settings";
    const settings = JSON.parse(localStorage.getItem(key));
    settings.session.last -= ms;
    localStorage.setItem(key, JSON.stringify(settings));
  },
  flush: () => analytics.flush({ timeoutMs: 30_000 }),
  stats: () => analytics.stats(),
  errors: () => errors.slice(),
  debugLines: () => debugLines.slice(),
  storedRecords,
  close: () => analytics.close(),
};
