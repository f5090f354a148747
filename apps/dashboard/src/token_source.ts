/**
 * Where the page's access token comes from. In production, the host app's Supabase Auth session
 * on the same origin (supabase-js keeps it in localStorage as `sb-<project ref>-auth-token`).
 * Locally there is no Auth server, so a token pasted into the page (from `scripts/stack token`)
 * is kept in sessionStorage, and only when the page is served from this machine. The token is
 * never logged or shown.
 *
 * @example
 * ```ts
 * const tokens = createTokenSource(config, localStorage, sessionStorage);
 * const token = tokens.current(); // null: show the sign-in prompt
 * ```
 */
import type { DashboardConfig } from "./config.ts";

export const PASTED_TOKEN_KEY = "track-event-dashboard-token";

/** The storage key supabase-js gives a project's session, e.g. `sb-abcd-auth-token`. */
export function sessionKeyOf(supabaseUrl: string): string {
  return `sb-${new URL(supabaseUrl).hostname.split(".")[0]}-auth-token`;
}

export interface TokenSource {
  current(): string | null;
  /** Keeps a pasted token; refused (false) unless the page is local. */
  paste(token: string): boolean;
  forget(): void;
}

export function createTokenSource(
  config: DashboardConfig,
  persistent: Storage,
  session: Storage,
): TokenSource {
  const fromHostSession = () => {
    try {
      const stored = JSON.parse(persistent.getItem(sessionKeyOf(config.apiUrl)) ?? "null");
      return typeof stored?.access_token === "string" ? stored.access_token : null;
    } catch {
      return null;
    }
  };
  return {
    current: () => (config.local ? session.getItem(PASTED_TOKEN_KEY) : null) ?? fromHostSession(),
    paste(token) {
      if (!config.local) return false;
      session.setItem(PASTED_TOKEN_KEY, token.trim());
      return true;
    },
    forget: () => session.removeItem(PASTED_TOKEN_KEY),
  };
}
