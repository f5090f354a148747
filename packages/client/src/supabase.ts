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
    onAuthStateChange?(
      callback: (event: string, session: { access_token: string } | null) => void,
    ): unknown;
  };
}

/**
 * Reads the session's token; after a 401 (`forceRefresh`) refreshes it. A failed refresh that
 * left no session means signed out (null). When reading fails (offline, with an expired session
 * that cannot refresh), the last session supabase-js announced still names the right user: its
 * token is returned, expired or not, so events stay with that user and wait for a fresh token.
 * With no session announced, the error is thrown.
 *
 * @example
 * ```ts
 * const tracker = createTracker({ url, apiKey, getAccessToken: supabaseAccessToken(supabase) });
 * ```
 */
export function supabaseAccessToken(supabase: SupabaseAuthLike): GetAccessToken {
  // Sign-ins, sign-outs and refreshes, as supabase-js announces them: a user switch is seen even
  // while no token is read.
  let announced: string | null | undefined;
  supabase.auth.onAuthStateChange?.((_, session) => announced = session?.access_token ?? null);
  return async ({ forceRefresh }) => {
    const { data, error } = forceRefresh
      ? await supabase.auth.refreshSession()
      : await supabase.auth.getSession();
    if (data.session) return data.session.access_token;
    if (error && !forceRefresh) {
      if (announced !== undefined) return announced;
      throw error;
    }
    return null;
  };
}
