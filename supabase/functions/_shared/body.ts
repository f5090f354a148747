/**
 * Bounded request-body reading: the size limit is enforced while streaming, after gzip
 * decompression, so neither a large upload nor a gzip bomb is ever buffered whole.
 *
 * @module
 */
import {
  PayloadTooLargeError,
  RequestTimeoutError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "./errors.ts";

// Gzip adds about 5 bytes per 64 KiB stored block plus an 18-byte frame, so even an
// incompressible body within the limit stays under limit + 1 KiB on the wire.
const GZIP_WIRE_ALLOWANCE = 1024;
// A decode without `stream: true` starts afresh, so one decoder serves every request.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Throws 415 unless the request says `Content-Type: application/json` (parameters allowed).
 *
 * @example
 * ```ts
 * assertJsonContentType(new Headers({ "content-type": "application/json; charset=utf-8" }));
 * ```
 */
export function assertJsonContentType(headers: Headers): void {
  const mediaType = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new UnsupportedMediaTypeError("Send the body as Content-Type: application/json");
  }
}

/**
 * Reads the whole body, gunzipping it when `Content-Encoding: gzip`, and stops with 413 as soon
 * as more than `maxBytes` have been produced, or with 408 when `signal` aborts first (the body
 * is then cancelled).
 *
 * @example
 * ```ts
 * const bytes = await readBoundedBody(request, 512 * 1024, AbortSignal.timeout(10_000));
 * ```
 */
export async function readBoundedBody(
  request: Request,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const gzip = isGzip(request.headers.get("content-encoding"));
  const wireLimit = gzip ? maxBytes + GZIP_WIRE_ALLOWANCE : maxBytes;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > wireLimit) throw tooLarge(maxBytes);
  if (request.body === null) return new Uint8Array();
  // The wire bytes are bounded first (for gzip too: a stream of empty blocks could otherwise be
  // read forever), and they are at most about 513 KiB, so holding them is cheap.
  const wire = await collect(request.body, wireLimit, maxBytes, signal);
  return gzip ? await gunzipBounded(wire, maxBytes) : wire;
}

/**
 * Inflates all gzip members (RFC 1952 allows several) and stops as soon as the output passes
 * `maxBytes`. node:zlib checks `maxOutputLength` after each 16 KiB output chunk, so a bomb costs
 * at most `maxBytes` + 16 KiB of memory and the CPU to inflate that much. (A DecompressionStream
 * hands over all the output of an input chunk at once: a 64 KiB chunk of a bomb is 64 MiB.)
 * node:zlib is imported on the first gzip body only: loading it costs about 36 ms of a cold start
 * (docs/BENCHMARKS.md), and most requests are not gzipped.
 */
async function gunzipBounded(wire: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const { gunzipSync } = await import("node:zlib");
  try {
    const inflated = gunzipSync(wire, { maxOutputLength: maxBytes });
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(maxBytes);
    // A corrupt or truncated stream is the client's problem, never a 500.
    throw new ValidationError("invalid_json", "The gzip body could not be decompressed");
  }
}

/** Reads a stream whole, with 413 as soon as more than `limit` bytes arrive. */
async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  reportedLimit: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  // Cancelling ends a pending read at once (as done), so a stalled client is not waited for.
  const stop = () => void reader.cancel().catch(() => {});
  const timedOut = () => {
    stop();
    return new RequestTimeoutError();
  };
  signal?.addEventListener("abort", stop, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      if (signal?.aborted) throw timedOut();
      const { done, value } = await reader.read();
      if (signal?.aborted) throw timedOut();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(reportedLimit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof PayloadTooLargeError || error instanceof RequestTimeoutError) throw error;
    // A broken upload is the client's problem, never a 500.
    throw new ValidationError("invalid_json", "The body could not be read");
  } finally {
    signal?.removeEventListener("abort", stop);
  }
  // Most bodies arrive in one chunk: no second copy then.
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Decodes UTF-8 strictly and parses JSON. Errors never quote the body (V8's SyntaxError does).
 *
 * @example
 * ```ts
 * parseJsonBody(new TextEncoder().encode('{"a":1}')); // { a: 1 }
 * ```
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    throw new ValidationError("invalid_json", "The body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("invalid_json", "The body is not valid JSON");
  }
}

function isGzip(header: string | null): boolean {
  const encoding = (header ?? "").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return false;
  if (encoding === "gzip" || encoding === "x-gzip") return true;
  throw new UnsupportedMediaTypeError("Content-Encoding must be gzip or absent");
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The body is larger than ${maxBytes} bytes`, {
    limit_bytes: maxBytes,
  });
}
