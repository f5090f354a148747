// The README's app: supabase-js signs the user up against the project's Auth, and the SDK gets
// its tokens from supabase-js through `supabaseAccessToken`. Public APIs only.

// Variables, so that Deno's type checker, which sees this file too, leaves the paths alone.
const SUPABASE_JS_URL = "/test-pages/vendor/supabase-js.js";
const SDK_URL = "/sdk/track-event.js";
const { createClient } = await import(SUPABASE_JS_URL);
const { createTracker, supabaseAccessToken } = await import(SDK_URL);

let supabase;
let tracker;
const errors = [];

globalThis.newcomer = {
  /** `supabase.auth.signUp`; answers the new user's id, or the Auth server's message. */
  async signUp(anonKey, email, password) {
    supabase = createClient(location.origin, anonKey);
    const { data, error } = await supabase.auth.signUp({ email, password });
    return error ? { error: error.message } : { userId: data.user.id };
  },
  /** A job of the signed-in user's own, inserted through PostgREST as the app would. */
  async createJob(name) {
    const { data: { user } } = await supabase.auth.getUser();
    const { data, error } = await supabase.from("jobs").insert({ name, user_id: user.id })
      .select("id").single();
    if (error) throw new Error(error.message);
    return data.id;
  },
  /**
   * Replaces the stored session's access token (supabase-js still thinks it valid), as after a
   * clock jump: the function answers 401 and the adapter must refresh.
   */
  spoilAccessToken(token) {
    const key = Object.keys(localStorage).find((name) => name.endsWith("-auth-token"));
    const session = JSON.parse(localStorage.getItem(key));
    localStorage.setItem(key, JSON.stringify({ ...session, access_token: token }));
  },
  start(anonKey) {
    tracker = createTracker({
      url: `${location.origin}/functions/v1/track-event`,
      apiKey: anonKey,
      getAccessToken: supabaseAccessToken(supabase),
      onError: (error) => errors.push(error.code),
    });
  },
  track(name, options) {
    return tracker.track(name, options);
  },
  flush: () => tracker.flush({ timeoutMs: 30_000 }),
  errors: () => errors.slice(),
  close: () => tracker.close(),
};
