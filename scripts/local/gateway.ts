/**
 * The local stack's API gateway: Supabase's URL layout on one port, as Kong gives it under
 * `supabase start`.
 *
 * - `/rest/v1/*` goes to PostgREST with the prefix stripped.
 * - `/functions/v1/<name>/*` goes to the function named `<name>`.
 * - `/health` answers for the gateway itself.
 * - Optional static mounts (`static`, from `GATEWAY_STATIC`) serve files under URL prefixes, so a
 *   page is same-origin with the API; see `static_files.ts`.
 *
 * Bodies stream in both directions; status codes and headers pass unchanged.
 *
 * @example
 * ```ts
 * const handler = createGateway({
 *   rest: "http://127.0.0.1:32330",
 *   functions: { "track-event": "http://127.0.0.1:32332" },
 * });
 * Deno.serve({ port: 54321 }, handler);
 * ```
 */

import { createStaticFiles, parseStaticMounts, type StaticMounts } from "./static_files.ts";

export interface GatewayConfig {
  rest: string;
  functions: Record<string, string>;
  static?: StaticMounts;
}

// Connection-scoped headers must not be forwarded by a proxy (RFC 9110, section 7.6.1).
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function forwardHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  // Like Supabase's gateway: a request that carries only an apikey is authorised as that key.
  const apikey = headers.get("apikey");
  if (!headers.has("authorization") && apikey) headers.set("authorization", `Bearer ${apikey}`);
  const url = new URL(request.url);
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  return headers;
}

async function proxy(request: Request, target: string): Promise<Response> {
  try {
    const upstream = await fetch(target, {
      method: request.method,
      headers: forwardHeaders(request),
      body: request.body,
      redirect: "manual",
    });
    const headers = new Headers(upstream.headers);
    for (const name of HOP_BY_HOP) headers.delete(name);
    return new Response(upstream.body, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers,
    });
  } catch {
    // Kong's wording, so clients see what they would see from Supabase.
    return json(502, { message: "An invalid response was received from the upstream server" });
  }
}

/** Builds the gateway's request handler from upstream base URLs. */
export function createGateway(config: GatewayConfig): (request: Request) => Promise<Response> {
  const serveStatic = createStaticFiles(config.static ?? {});
  return async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      return json(200, { status: "ok" });
    }
    if (url.pathname === "/rest/v1" || url.pathname.startsWith("/rest/v1/")) {
      const rest = url.pathname.slice("/rest/v1".length) || "/";
      return proxy(request, `${config.rest}${rest}${url.search}`);
    }
    const fn = url.pathname.match(/^\/functions\/v1\/([^/]+)(\/.*)?$/);
    if (fn) {
      const [, name, tail = ""] = fn;
      // hasOwn: a name like "toString" must not find an inherited property.
      const upstream = Object.hasOwn(config.functions, name) ? config.functions[name] : undefined;
      if (!upstream) return json(404, { message: `Function not found: ${name}` });
      return proxy(request, `${upstream}/${name}${tail}${url.search}`);
    }
    return await serveStatic(request) ??
      json(404, { message: "no Route matched with those values" });
  };
}

function requireEnv(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

if (import.meta.main) {
  const functions = Object.fromEntries(
    requireEnv("GATEWAY_FUNCTIONS").split(",").map((entry) => entry.split("=", 2)),
  );
  Deno.serve(
    { hostname: "127.0.0.1", port: Number(requireEnv("GATEWAY_PORT")), onListen: () => {} },
    createGateway({
      rest: requireEnv("GATEWAY_REST_UPSTREAM"),
      functions,
      static: parseStaticMounts(Deno.env.get("GATEWAY_STATIC")),
    }),
  );
}
