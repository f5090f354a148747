/**
 * Waiting on a condition with a generous deadline, never on a guessed delay: the browser tests
 * stay deterministic on a busy machine.
 *
 * @example
 * ```ts
 * await waitUntil("the page to be offline", async () => (await offline()) ? true : undefined);
 * ```
 */

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function waitUntil<T>(
  label: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const what = typeof label === "string" ? label : label();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
