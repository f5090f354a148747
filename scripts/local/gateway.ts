/**
 * The local stack's API gateway: Supabase's URL layout on one port, as Kong gives it under
 * `supabase start`.
 *
 * - `/rest/v1/*` goes to PostgREST with the prefix stripped.
 * - `/auth/v1/*` is answered by the local Auth server (`auth/`), when one is configured.
 * - `/functions/v1/<name>/*` goes to the function named `<name>`.
 * - `/health` answers for the gateway itself.
 * - Optional static mounts (`static`, from `GATEWAY_STATIC`) serve files under URL prefixes, so a
 *   page is same-origin with the API; see `static_files.ts`.
 *
 * Status codes, headers and bodies pass unchanged. Like a hosted gateway, it does not let a slow
 * client hold a connection: it is served with the deadlines of `serve_with_deadlines.ts`, which
 * reads each request body whole before passing it on, as Kong does by default.
 *
 * @example
 * ```ts
 * const handler = createGateway({
 *   rest: "http://127.0.0.1:32330",
 *   functions: { "track-event": "http://127.0.0.1:32332" },
 * });
 * const response = await handler(new Request("http://127.0.0.1:54321/health"));
 * ```
 */
import { type Deadlines, serveWithDeadlines } from "./serve_with_deadlines.ts";
import { authFromEnv } from "./auth/server.ts";
import { createStaticFiles, parseStaticMounts, type StaticMounts } from "./static_files.ts";

export interface GatewayConfig {
  rest: string;
  functions: Record<string, string>;
  static?: StaticMounts;
  /** The local Auth server's handler for `/auth/v1/*`. */
  auth?: (request: Request) => Promise<Response>;
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
      signal: request.signal,
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
    if (config.auth && (url.pathname === "/auth/v1" || url.pathname.startsWith("/auth/v1/"))) {
      return config.auth(request);
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

/** A positive integer setting (milliseconds, bytes) from the environment. */
function positiveInteger(name: string, fallback: number): number {
  const value = Number(Deno.env.get(name) || fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** The gateway's deadlines; the body's is the function's default (10 s). */
export function gatewayDeadlines(): Deadlines {
  return {
    bodyTimeoutMs: positiveInteger("GATEWAY_BODY_TIMEOUT_MS", 10_000),
    headersTimeoutMs: positiveInteger("GATEWAY_HEADERS_TIMEOUT_MS", 10_000),
    keepAliveTimeoutMs: positiveInteger("GATEWAY_KEEPALIVE_TIMEOUT_MS", 60_000),
  };
}

/**
 * The 408 for a body that missed the gateway's deadline: in the function's error format on
 * function routes (as the function itself answers), in Kong's elsewhere.
 */
export function timeoutResponse(path: string, timeoutMs: number): Response {
  const message = `The request body did not arrive within ${timeoutMs} ms`;
  return path.startsWith("/functions/v1/")
    ? json(408, { error: { code: "request_timeout", message } })
    : json(408, { message });
}

if (import.meta.main) {
  const functions = Object.fromEntries(
    requireEnv("GATEWAY_FUNCTIONS").split(",").map((entry) => entry.split("=", 2)),
  );
  const deadlines = gatewayDeadlines();
  await serveWithDeadlines(
    createGateway({
      rest: requireEnv("GATEWAY_REST_UPSTREAM"),
      functions,
      static: parseStaticMounts(Deno.env.get("GATEWAY_STATIC")),
      auth: authFromEnv(),
    }),
    {
      hostname: "127.0.0.1",
      port: Number(requireEnv("GATEWAY_PORT")),
      deadlines,
      timeoutResponse: (path) => timeoutResponse(path, deadlines.bodyTimeoutMs),
      // Bodies are buffered whole, so their size is bounded like Kong's request-size limit.
      maxBodyBytes: positiveInteger("GATEWAY_MAX_BODY_BYTES", 16 * 1024 * 1024),
    },
  );
}
