/**
 * `getAccessToken` from a supabase-js client, typed by shape so the SDK never imports
 * supabase-js.
 *
 * @module
 */
import type { GetAccessToken } from "./types.ts";

interface SessionResult {
  data: { session: { access_token: string } | null };
  error: unknown;
}

/** The part of a supabase-js client the adapter uses. */
export interface SupabaseAuthLike {
  auth: {
    getSession(): Promise<SessionResult>;
    refreshSession(): Promise<SessionResult>;
  };
}

/**
 * Reads the session's token; after a 401 (`forceRefresh`) refreshes it. A failed refresh that
 * left no session means signed out (null); any other error is thrown, so the tracker retries
 * later instead of treating a network failure as a sign-out.
 *
 * @example
 * ```ts
 * const tracker = createTracker({ url, apiKey, getAccessToken: supabaseAccessToken(supabase) });
 * ```
 */
export function supabaseAccessToken(supabase: SupabaseAuthLike): GetAccessToken {
  return async ({ forceRefresh }) => {
    const { data, error } = forceRefresh
      ? await supabase.auth.refreshSession()
      : await supabase.auth.getSession();
    if (data.session) return data.session.access_token;
    if (error && !forceRefresh) throw error;
    return null;
  };
}
