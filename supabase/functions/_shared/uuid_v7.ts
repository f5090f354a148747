/**
 * UUIDv7 (RFC 9562, section 5.7): a 48-bit Unix millisecond timestamp, then random bits. Ids made
 * this way sort by creation time, so the events table can later be partitioned or clustered by
 * `event_id` without a second time column.
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * A new UUIDv7 for the instant `nowMs` (milliseconds since the epoch).
 *
 * @example
 * ```ts
 * uuidV7(Date.now()); // "019ac3f2-5e1b-7c4d-9a2e-4f1b8c3d2e10"
 * ```
 */
export function uuidV7(nowMs: number): string {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0 || nowMs >= 2 ** 48) {
    throw new RangeError("uuidV7 needs a millisecond timestamp that fits in 48 bits");
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // 48 bits do not fit a 32-bit shift: split the timestamp into its high 16 and low 32 bits.
  const high = Math.floor(nowMs / 2 ** 32);
  const low = nowMs >>> 0;
  bytes[0] = high >>> 8;
  bytes[1] = high & 0xff;
  bytes[2] = low >>> 24;
  bytes[3] = (low >>> 16) & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  let text = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += "-";
    text += HEX[bytes[i]];
  }
  return text;
}

/**
 * The millisecond timestamp a UUIDv7 carries.
 *
 * @example
 * ```ts
 * uuidV7Time(uuidV7(1_700_000_000_000)); // 1700000000000
 * ```
 */
export function uuidV7Time(uuid: string): number {
  return parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);
}
