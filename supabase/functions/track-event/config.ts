/**
 * Configuration from the environment, checked once at start-up: a missing value stops the
 * function with a clear message instead of failing on the first request.
 *
 * @module
 */
import type { JSONWebKeySet } from "jose";
import type { TokenKeys } from "../_shared/auth.ts";
import { type AllowedOrigins, parseAllowedOrigins } from "../_shared/cors.ts";

/** Everything track-event reads from its environment. */
export interface Config {
  supabaseUrl: string;
  anonKey: string;
  tokenKeys: TokenKeys;
  allowedOrigins: AllowedOrigins;
  upstreamTimeoutMs: number;
  bodyTimeoutMs: number;
}

/**
 * Reads and checks the configuration; throws one Error naming every problem.
 *
 * @example
 * ```ts
 * const config = loadConfig((name) => Deno.env.get(name));
 * ```
 */
export function loadConfig(env: (name: string) => string | undefined): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env(name)?.trim();
    return value === "" ? undefined : value;
  };

  const supabaseUrl = read("SUPABASE_URL");
  if (supabaseUrl === undefined) problems.push("SUPABASE_URL is not set");
  else if (!URL.canParse(supabaseUrl)) problems.push("SUPABASE_URL is not a URL");
  const anonKey = read("SUPABASE_ANON_KEY");
  if (anonKey === undefined) problems.push("SUPABASE_ANON_KEY is not set");

  const jwtSecret = read("JWT_SECRET") ?? read("SUPABASE_JWT_SECRET");
  const jwks = parseJwks(read("SUPABASE_JWKS"), problems);
  if (jwtSecret === undefined && jwks === undefined) {
    problems.push("set SUPABASE_JWKS or JWT_SECRET (alias SUPABASE_JWT_SECRET) to verify tokens");
  }

  const upstreamTimeoutMs = positiveInteger(
    read,
    "TRACK_EVENT_UPSTREAM_TIMEOUT_MS",
    5000,
    problems,
  );
  const bodyTimeoutMs = positiveInteger(read, "TRACK_EVENT_BODY_TIMEOUT_MS", 10_000, problems);

  if (problems.length > 0 || supabaseUrl === undefined || anonKey === undefined) {
    throw new Error(`track-event configuration: ${problems.join("; ")}`);
  }
  return {
    supabaseUrl,
    anonKey,
    tokenKeys: { jwtSecret, jwks },
    allowedOrigins: parseAllowedOrigins(read("TRACK_EVENT_ALLOWED_ORIGINS")),
    upstreamTimeoutMs,
    bodyTimeoutMs,
  };
}

/** A whole number of milliseconds above zero, or `fallback` when the variable is unset. */
function positiveInteger(
  read: (name: string) => string | undefined,
  name: string,
  fallback: number,
  problems: string[],
): number {
  const value = Number(read(name) ?? fallback);
  if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive integer`);
  return value;
}

/** A JWKS as `{ "keys": [...] }` (or a bare array); none when it holds no public keys. */
function parseJwks(text: string | undefined, problems: string[]): JSONWebKeySet | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push("SUPABASE_JWKS is not JSON");
    return undefined;
  }
  const keys = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    problems.push('SUPABASE_JWKS must be { "keys": [...] }');
    return undefined;
  }
  // Symmetric keys never come from a JWKS: the secret path is HS256's only way in.
  const publicKeys = keys.filter((key) => typeof key === "object" && key?.kty !== "oct");
  return publicKeys.length > 0 ? { keys: publicKeys } : undefined;
}
