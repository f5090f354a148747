/**
 * Serves a fetch-style handler over node:http, with the deadlines Deno.serve lacks.
 *
 * Deno.serve (Deno 2.9) sets no timeout of its own: a connection whose headers never finish, an
 * idle keep-alive connection, and a connection whose body stops arriving all stay open until the
 * client closes them, and after an answer given before the body was read Deno reads the rest
 * before it closes, however long that takes. Node's HTTP server, which Deno provides as
 * node:http, has deadlines:
 *
 * - headers must arrive within `headersTimeoutMs`: then Node answers 408 and closes;
 * - an idle keep-alive connection is closed after `keepAliveTimeoutMs`;
 * - the body must arrive within `bodyTimeoutMs` of the headers: then `timeoutResponse(path)` is
 *   the answer and the connection closes (Node's own `requestTimeout` backs this up).
 *
 * The body is read whole before the handler sees it, as Kong (nginx) buffers request bodies by
 * default: a slow client then never holds an upstream connection. Responses are passed on whole.
 *
 * @example
 * ```ts
 * const server = await serveWithDeadlines((request) => fetch(upstream, request), {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   deadlines: { bodyTimeoutMs: 10_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 60_000 },
 *   timeoutResponse: (_path) => new Response(null, { status: 408 }),
 * });
 * await server.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Deadlines {
  bodyTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface ServeOptions {
  hostname: string;
  port: number;
  deadlines: Deadlines;
  /** The answer when the body of a request for `path` misses its deadline. */
  timeoutResponse: (path: string) => Response;
  /** A larger body is answered 413 as soon as it passes this: bodies are buffered whole. */
  maxBodyBytes: number;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

type Handler = (request: Request) => Promise<Response>;

export function serveWithDeadlines(
  handler: Handler,
  options: ServeOptions,
): Promise<RunningServer> {
  const { bodyTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = options.deadlines;
  const server = createServer({
    // Node checks its header and request deadlines on this interval (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    headersTimeout: headersTimeoutMs,
    // Only a backstop: the body deadline below answers first.
    requestTimeout: headersTimeoutMs + 2 * bodyTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
  }, (incoming, outgoing) => {
    exchange(handler, incoming, outgoing, options);
  });
  return new Promise((resolve) => {
    server.listen(options.port, options.hostname, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function exchange(
  handler: Handler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  options: ServeOptions,
): Promise<void> {
  let answered = false;
  const answer = (response: Response) => {
    answered = true;
    void send(incoming, outgoing, response);
  };
  const deadline = setTimeout(() => {
    const path = new URL(incoming.url ?? "/", "http://localhost").pathname;
    answer(options.timeoutResponse(path));
  }, options.deadlines.bodyTimeoutMs);
  let body: Uint8Array<ArrayBuffer> | null;
  try {
    body = await readBody(incoming, options.maxBodyBytes, () => answer(tooLarge()));
  } catch {
    return; // The client went away, or its connection was closed at the deadline.
  } finally {
    clearTimeout(deadline);
  }
  if (answered) return;

  // A client that goes away cancels its upstream request.
  const abort = new AbortController();
  outgoing.once("close", () => abort.abort());
  let request: Request;
  try {
    request = toRequest(incoming, body, abort.signal);
  } catch {
    // A Host header that makes no URL (`a b`, `[::1`): the client's mistake, not ours.
    return void send(incoming, outgoing, kongMessage(400, "Bad request"));
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch {
    response = new Response(null, { status: 500 });
  }
  await send(incoming, outgoing, response);
}

// Kong's wording, as Supabase's gateway answers.
function kongMessage(status: number, message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function tooLarge(): Response {
  return kongMessage(413, "Request size limit exceeded");
}

/**
 * The whole body, or null for methods that have none. Past `maxBytes`, calls `onTooLarge` and
 * stops reading: the answer then closes the connection.
 */
async function readBody(
  incoming: IncomingMessage,
  maxBytes: number,
  onTooLarge: () => void,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (incoming.method === "GET" || incoming.method === "HEAD") return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of incoming) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      onTooLarge();
      throw new RangeError("body too large");
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function toRequest(
  incoming: IncomingMessage,
  body: Uint8Array<ArrayBuffer> | null,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    headers.append(incoming.rawHeaders[i], incoming.rawHeaders[i + 1]);
  }
  const url = new URL(incoming.url ?? "/", `http://${headers.get("host") ?? "localhost"}`);
  return new Request(url, { method: incoming.method, headers, body, signal });
}

/** Writes `response`; if the request has not arrived whole, says so and closes the connection. */
async function send(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  response: Response,
): Promise<void> {
  const close = !incoming.complete;
  let body: Uint8Array;
  try {
    body = new Uint8Array(await response.arrayBuffer());
  } catch {
    // The upstream's body broke off: the answer cannot be completed.
    return void incoming.socket?.destroy();
  }
  outgoing.statusCode = response.status;
  if (response.statusText) outgoing.statusMessage = response.statusText;
  // Node frames the body it is given (a HEAD answer keeps the length it announces).
  const skip = incoming.method === "HEAD" ? ["set-cookie"] : ["set-cookie", "content-length"];
  for (const [name, value] of response.headers) {
    if (!skip.includes(name)) outgoing.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) outgoing.setHeader("set-cookie", cookies);
  if (close) outgoing.setHeader("connection", "close");
  outgoing.end(body, () => {
    if (close) incoming.socket?.destroy();
  });
}
