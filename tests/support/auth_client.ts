/**
 * supabase-js clients for the Auth tests: each has its own in-memory session storage (never the
 * runtime's localStorage, shared by every test) and no background refresh timer, so a test
 * decides when a token is refreshed. They talk to whichever Auth serves `API_URL`: the stack's
 * local Auth, or GoTrue under `supabase start`.
 *
 * @example
 * ```ts
 * const supabase = authClient(db.env);
 * const { data } = await supabase.auth.signUp({ email: newEmail("ann"), password: "secret123" });
 * ```
 */
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "../../supabase/functions/_shared/database.types.ts";
import type { StackEnv } from "./stack_env.ts";

/** A Storage-like map, as supabase-js's `auth.storage` takes it; `items` lets a test look in. */
export function memoryAuthStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

export function authClient(
  env: StackEnv,
  storage = memoryAuthStorage(),
): SupabaseClient<Database> {
  return createClient<Database>(env.apiUrl, env.anonKey, {
    auth: { storage, autoRefreshToken: false, persistSession: true, detectSessionInUrl: false },
  });
}

/** A fresh address on a reserved domain, unique to this test run. */
export function newEmail(name: string): string {
  return `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** The claims of a JWT, unverified: what the test checks was issued. */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
  return JSON.parse(atob(payload));
}
