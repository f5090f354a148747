/**
 * The dashboard's settings, read from its own URL. Two of them are honoured only when the page is
 * served from this machine (localhost or 127.0.0.1): `api`, which would otherwise let a crafted
 * link send the user's token to another server, and a pasted token (see token_source.ts).
 *
 * @example
 * ```ts
 * const config = readConfig(new URL("http://127.0.0.1:54321/dashboard/?refresh=500"), built);
 * // { apiUrl: "http://127.0.0.1:54321", anonKey: "...", refreshMs: 500, local: true }
 * ```
 */

/** What the build wrote into config.json: where the project is and its public anon key. */
export interface BuiltConfig {
  /** The Supabase project URL; empty means the page's own origin (the local stack). */
  supabaseUrl: string;
  anonKey: string;
}

export interface DashboardConfig {
  apiUrl: string;
  anonKey: string;
  refreshMs: number;
  /** Served from this machine: local sign-in and the `api` override are allowed. */
  local: boolean;
}

export const DEFAULT_REFRESH_MS = 5000;
const MIN_REFRESH_MS = 100;

/** True for pages served from localhost or a loopback address. */
export function isLocalHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
}

/** The settings for a page at `url`, from the build's config and the URL's parameters. */
export function readConfig(url: URL, built: BuiltConfig): DashboardConfig {
  const local = isLocalHost(url.hostname);
  const refresh = Number(url.searchParams.get("refresh"));
  const api = local ? url.searchParams.get("api") : null;
  return {
    apiUrl: api || built.supabaseUrl || url.origin,
    anonKey: built.anonKey,
    refreshMs: Number.isFinite(refresh) && refresh >= MIN_REFRESH_MS ? refresh : DEFAULT_REFRESH_MS,
    local,
  };
}
