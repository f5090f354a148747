/**
 * A raw TCP client for what fetch cannot do: send part of a request and then nothing, and see
 * exactly when the server answers and when it closes the connection.
 *
 * @example
 * ```ts
 * const client = await RawClient.open(port);
 * await client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
 * const answer = await client.waitForResponse(15_000);
 * const closedAfterMs = await client.waitForClose(15_000);
 * ```
 */

/** A parsed HTTP/1.1 response head and the bytes of body received so far. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
  /** Milliseconds from the client's first write to the end of the response head. */
  afterMs: number;
}

export class RawClient {
  #received = "";
  #headAt: number | null = null;
  #closedAt: number | null = null;
  #startedAt = 0;
  #changed: (() => void)[] = [];

  private constructor(private readonly conn: Deno.TcpConn) {
    this.#pump();
  }

  static async open(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Writes `text`; the first write starts the clock. */
  async send(text: string): Promise<void> {
    if (this.#startedAt === 0) this.#startedAt = performance.now();
    await this.conn.write(new TextEncoder().encode(text));
  }

  /**
   * The first response, once its head and its body (framed by Content-Length or chunked) have
   * arrived; throws after `timeoutMs`.
   */
  async waitForResponse(timeoutMs: number): Promise<RawResponse> {
    const giveUpAt = performance.now() + timeoutMs;
    await this.#until(() => this.#headAt !== null, timeoutMs);
    const end = this.#received.indexOf("\r\n\r\n");
    const [statusLine, ...lines] = this.#received.slice(0, end).split("\r\n");
    const headers = new Headers();
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get("content-length") ?? NaN);
    const chunked = headers.get("transfer-encoding")?.includes("chunked") ?? false;
    const bodySoFar = () => this.#received.slice(end + 4);
    const complete = () => {
      if (this.#closedAt !== null) return true;
      if (chunked) return bodySoFar().includes("0\r\n\r\n");
      if (Number.isNaN(length)) return true; // No framing: whatever has arrived.
      return new TextEncoder().encode(bodySoFar()).byteLength >= length;
    };
    await this.#until(complete, giveUpAt - performance.now());
    return {
      status: Number(statusLine.split(" ")[1]),
      headers,
      body: chunked ? unchunk(bodySoFar()) : bodySoFar(),
      afterMs: this.#headAt! - this.#startedAt,
    };
  }

  /** Milliseconds from the first write until the server closed the connection. */
  async waitForClose(timeoutMs: number): Promise<number> {
    await this.#until(() => this.#closedAt !== null, timeoutMs);
    return this.#closedAt! - this.#startedAt;
  }

  /** Everything received so far. */
  get received(): string {
    return this.#received;
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed by the server.
    }
  }

  async #pump(): Promise<void> {
    const buffer = new Uint8Array(16 * 1024);
    const decoder = new TextDecoder();
    try {
      while (true) {
        const read = await this.conn.read(buffer);
        if (read === null) break;
        this.#received += decoder.decode(buffer.subarray(0, read), { stream: true });
        if (this.#headAt === null && this.#received.includes("\r\n\r\n")) {
          this.#headAt = performance.now();
        }
        this.#notify();
      }
    } catch {
      // A reset or our own close: either way the connection is over.
    }
    this.#closedAt = performance.now();
    this.#notify();
  }

  #notify(): void {
    for (const wake of this.#changed.splice(0)) wake();
  }

  async #until(condition: () => boolean, timeoutMs: number): Promise<void> {
    const giveUpAt = performance.now() + timeoutMs;
    while (!condition()) {
      const left = giveUpAt - performance.now();
      if (left <= 0) {
        throw new Error(
          `gave up after ${timeoutMs} ms; received: ${JSON.stringify(this.#received)}`,
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#changed.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }
}

/** The payload of a complete chunked body. */
function unchunk(text: string): string {
  let payload = "";
  let rest = text;
  while (true) {
    const lineEnd = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return payload;
    payload += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
