/**
 * Static files for the local gateway: each URL prefix maps to one directory, so that a page and
 * the API share an origin (the SDK's browser build under `/sdk/`, test pages, a dashboard).
 *
 * Only files inside a mounted directory are ever read: every path segment is decoded and checked
 * (no `..`, no encoded slashes, no dot-files), and the resolved path, symlinks followed, must still
 * lie inside the directory. Anything else is a 404 that names nothing on disk.
 *
 * @example
 * ```ts
 * const serveStatic = createStaticFiles({ "/sdk/": "/repo/packages/client/dist" });
 * const response = await serveStatic(new Request("http://127.0.0.1:54321/sdk/track-event.js"));
 * // response is undefined when no prefix matches, so the caller can route elsewhere
 * ```
 */
import { extname, join, resolve, sep } from "node:path";

/** URL prefix (starting and ending with "/") → directory on disk. */
export type StaticMounts = Record<string, string>;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** The content type for a file name; unknown extensions are opaque bytes, never sniffed. */
export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

/**
 * The decoded segments of `rest` (the path after a prefix), or undefined when any segment could
 * step outside the directory or name a hidden file.
 */
export function safeSegments(rest: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of rest.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment.startsWith(".") || /[\/\\\0]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

async function realFileInside(root: string, segments: string[]): Promise<string | undefined> {
  try {
    const realRoot = await Deno.realPath(root);
    let path = await Deno.realPath(join(realRoot, ...segments));
    if ((await Deno.stat(path)).isDirectory) path = await Deno.realPath(join(path, "index.html"));
    if (!path.startsWith(realRoot + sep)) return undefined;
    return (await Deno.stat(path)).isFile ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds a handler that serves GET and HEAD under each mounted prefix. It returns undefined for a
 * URL outside every prefix.
 */
export function createStaticFiles(
  mounts: StaticMounts,
): (request: Request) => Promise<Response | undefined> {
  const entries = Object.entries(mounts).map(([prefix, dir]) => {
    if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
      throw new Error(`a static prefix must start and end with "/": ${prefix}`);
    }
    return { prefix, root: resolve(dir) };
  }).sort((a, b) => b.prefix.length - a.prefix.length); // the most specific prefix wins
  return async (request) => {
    const { pathname } = new URL(request.url);
    const mount = entries.find(({ prefix }) =>
      pathname.startsWith(prefix) || pathname === prefix.slice(0, -1)
    );
    if (!mount) return undefined;
    if (pathname === mount.prefix.slice(0, -1)) {
      return new Response(null, { status: 308, headers: { location: mount.prefix } });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text(405, "method not allowed", { allow: "GET, HEAD" });
    }
    const segments = safeSegments(pathname.slice(mount.prefix.length));
    const file = segments && await realFileInside(mount.root, segments);
    if (!file) return text(404, "not found");
    const body = request.method === "HEAD" ? null : (await Deno.open(file)).readable;
    return new Response(body, {
      headers: {
        "content-type": contentTypeOf(file),
        // A local build changes under a running stack: never serve a stale copy.
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  };
}

/**
 * Parses `GATEWAY_STATIC`: comma-separated `prefix=directory` pairs, e.g.
 * `/sdk/=packages/client/dist,/test-pages/=tests/browser/pages`.
 */
export function parseStaticMounts(value: string | undefined): StaticMounts {
  const mounts: StaticMounts = {};
  for (const entry of (value ?? "").split(",")) {
    if (!entry.trim()) continue;
    const at = entry.indexOf("=");
    if (at <= 0) throw new Error(`GATEWAY_STATIC entries are prefix=directory: ${entry}`);
    mounts[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  return mounts;
}
