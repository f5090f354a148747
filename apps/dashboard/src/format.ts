/**
 * Small text formats shared by the page's views.
 *
 * @example
 * ```ts
 * formatMs(2480); // "2.48 s"
 * formatMs(1200); // "1.2 s"
 * formatAge(new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:01:05Z")); // "1 min ago"
 * ```
 */

/** A latency in ms or s, three significant digits. */
export function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  // Number() drops the trailing zeros of toPrecision: "1.2 s", not "1.20 s".
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

/** How long ago `then` was, coarsely. */
export function formatAge(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** A time of day, e.g. 14:03:07. */
export function formatClock(iso: string | null): string {
  return iso ? new Date(iso).toISOString().slice(11, 19) : "—";
}

/** The first 8 characters of an id, enough to tell jobs apart on screen. */
export function shortId(id: string | null): string {
  return id ? id.slice(0, 8) : "—";
}
