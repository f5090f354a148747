/**
 * Where the page's access token comes from. First, a Supabase Auth session in localStorage under
 * `sessionKeyFor(config)`: the one the page's own email and password sign-in makes through
 * supabase-js (main.ts), or, off localhost, the host app's session on the same origin (supabase-js
 * keeps it as `sb-<project ref>-auth-token`). Locally a token can also be pasted into the page
 * (from `scripts/stack token`): it is kept in sessionStorage, only when the page is served from
 * this machine, and bound to the API origin it was pasted for, so that a later `?api=` in the same
 * tab never receives it. A local session is bound to its API origin the same way, by its key.
 * The token is never logged or shown.
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

/**
 * Where supabase-js keeps the page's session. Off localhost, the project's own key, shared with
 * the host app. Locally every API would get `sb-127-auth-token` (or `sb-localhost-...`), so that a
 * session made for one API would be sent to any other named by `?api=`: the key names the origin.
 */
export function sessionKeyFor(config: DashboardConfig): string {
  if (!config.local) return sessionKeyOf(config.apiUrl);
  return `track-event-dashboard-session:${new URL(config.apiUrl).origin}`;
}

export interface TokenSource {
  current(): string | null;
  /** Keeps a pasted token for this API origin; refused (false) unless the page is local. */
  paste(token: string): boolean;
  forget(): void;
}

/** What sessionStorage holds for a pasted token: the token and the API origin it is for. */
interface PastedToken {
  api: string;
  token: string;
}

function readPasted(session: Storage): PastedToken | null {
  try {
    const stored = JSON.parse(session.getItem(PASTED_TOKEN_KEY) ?? "null");
    return typeof stored?.api === "string" && typeof stored?.token === "string" ? stored : null;
  } catch {
    return null; // A bare token from an older page names no origin: it is not sent anywhere.
  }
}

export function createTokenSource(
  config: DashboardConfig,
  persistent: Storage,
  session: Storage,
): TokenSource {
  const api = new URL(config.apiUrl).origin;
  const fromHostSession = () => {
    try {
      const stored = JSON.parse(persistent.getItem(sessionKeyFor(config)) ?? "null");
      return typeof stored?.access_token === "string" ? stored.access_token : null;
    } catch {
      return null;
    }
  };
  const pasted = () => {
    const stored = config.local ? readPasted(session) : null;
    return stored?.api === api ? stored.token : null;
  };
  return {
    current: () => pasted() ?? fromHostSession(),
    paste(token) {
      if (!config.local) return false;
      session.setItem(PASTED_TOKEN_KEY, JSON.stringify({ api, token: token.trim() }));
      return true;
    },
    forget: () => session.removeItem(PASTED_TOKEN_KEY),
  };
}
