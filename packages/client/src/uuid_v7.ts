/**
 * UUIDv7 (RFC 9562 §5.7): a 48-bit Unix millisecond timestamp, the version, 12 bits of
 * sub-millisecond sequence, the variant, then 62 random bits. Ids sort by time, which lets the
 * server partition its table by them.
 *
 * @module
 */

/**
 * Makes a UUIDv7 generator. Within one millisecond a 12-bit counter (started at a random value
 * below 2048, RFC 9562 §6.2 method 1) keeps the ids of one generator strictly increasing; when it
 * runs out, the timestamp is advanced by one millisecond instead of going back.
 *
 * @example
 * ```ts
 * const next = uuidV7Generator(() => Date.now(), (b) => crypto.getRandomValues(b));
 * next(); // "0193a5c1-6a2f-7c3e-9d4b-1f2e3d4c5b6a"
 * ```
 */
export function uuidV7Generator(
  now: () => number,
  random: (bytes: Uint8Array) => unknown,
): () => string {
  let lastMs = -1;
  let seq = 0;
  return () => {
    const bytes = new Uint8Array(16);
    random(bytes);
    let ms = now();
    if (ms > lastMs) {
      seq = ((bytes[6] & 7) << 8) | bytes[7];
    } else {
      ms = lastMs;
      if (++seq > 0xfff) {
        ms++;
        seq = 0;
      }
    }
    lastMs = ms;
    for (let i = 5; i >= 0; i--) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | (seq >> 8);
    bytes[7] = seq & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    let hex = "";
    for (let i = 0; i < 16; i++) {
      hex += (bytes[i] + 256).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += "-";
    }
    return hex;
  };
}
