/**
 * Strict RFC 3339 timestamps. `Date.parse` accepts far more (local times, two-digit years, no
 * offset), and a timestamp without an offset has no single meaning across clients.
 *
 * @module
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** 0001-01-01T00:00:00Z: Postgres has no year 0 and JS prints earlier years in another format. */
export const MIN_TIMESTAMP_MS = -62135596800000;
/** 9999-12-31T23:59:59.999Z: the last instant with a four-digit year. */
export const MAX_TIMESTAMP_MS = 253402300799999;

/**
 * Parses an RFC 3339 date-time with an offset (`Z` or `±hh:mm`) into epoch milliseconds, or
 * returns null. A leap second (`:60`) counts as the next second, as Postgres reads it.
 *
 * @example
 * ```ts
 * parseRfc3339("2024-05-01T12:00:00+02:00"); // 1714557600000
 * parseRfc3339("2024-05-01T12:00:00");       // null: no offset
 * ```
 */
export function parseRfc3339(text: string): number | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millis = Number((match[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = Number(match[10]);
    const offsetMins = Number(match[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (match[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const epochMs = date.getTime() - offsetMinutes * 60_000;
  if (epochMs < MIN_TIMESTAMP_MS || epochMs > MAX_TIMESTAMP_MS) return null;
  return epochMs;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

const DAY_MS = 86_400_000;
// Events in a request mostly fall on one day, so its "YYYY-MM-DDT" is made once, not per event.
let cachedDay = NaN;
let cachedDatePrefix = "";

/**
 * `new Date(epochMs).toISOString()`, built by hand: for the hundreds of timestamps in a batch
 * the engine's date formatting costs more than the rest of the row.
 *
 * @example
 * ```ts
 * toIsoString(1714557600000); // "2024-05-01T10:00:00.000Z"
 * ```
 */
export function toIsoString(epochMs: number): string {
  if (!Number.isInteger(epochMs) || epochMs < MIN_TIMESTAMP_MS || epochMs > MAX_TIMESTAMP_MS) {
    return new Date(epochMs).toISOString();
  }
  const day = Math.floor(epochMs / DAY_MS);
  if (day !== cachedDay) {
    cachedDatePrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = epochMs - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedDatePrefix}${two(hours)}:${two(minutes)}:${two(seconds)}.${
    millis < 10 ? "00" : millis < 100 ? "0" : ""
  }${millis}Z`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
