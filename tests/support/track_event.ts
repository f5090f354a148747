/**
 * Calls the deployed function the way an app does: plain fetch through the API gateway.
 *
 * @example
 * ```ts
 * const response = await postEvents(env, user.token, { event: "app_opened" });
 * ```
 */
import type { TablesInsert } from "../../supabase/functions/_shared/database.types.ts";
import type { StackEnv } from "./stack_env.ts";

export function functionUrl(env: StackEnv): string {
  return `${env.apiUrl}/functions/v1/track-event`;
}

export async function postEvents(
  env: StackEnv,
  token: string | undefined,
  body: unknown,
  init: { headers?: Record<string, string>; rawBody?: BodyInit } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  // Without a token nothing identifies the caller: no apikey either, or the gateway would send it
  // as the bearer token, as Supabase's gateway does.
  if (token) {
    headers.apikey = env.anonKey;
    headers.authorization = `Bearer ${token}`;
  }
  const response = await fetch(functionUrl(env), {
    method: "POST",
    headers,
    body: init.rawBody ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

/** gzip-compresses a string, as a mobile SDK does for large batches. */
export async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Inserts `rows` (one row or several) straight through PostgREST as the holder of `token`, bypassing
 * the function. Rows are typed by the generated database types, as a supabase-js insert would be.
 */
export function insertDirectly(
  env: StackEnv,
  token: string,
  rows: TablesInsert<"analytics_events"> | TablesInsert<"analytics_events">[],
): Promise<Response> {
  return fetch(`${env.apiUrl}/rest/v1/analytics_events`, {
    method: "POST",
    headers: {
      apikey: env.anonKey,
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(rows),
  });
}
