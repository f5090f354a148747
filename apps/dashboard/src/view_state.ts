/**
 * What the user chose to look at, kept in the page's URL so that a reload or a shared link shows
 * the same: the time range of the latency figures (`?range=30d`) and the page of jobs (`?page=2`).
 *
 * @example
 * ```ts
 * const view = readViewState(new URL("https://dash.example/?range=30d&page=2"));
 * // { range: "30d", page: 2 }
 * history.replaceState(null, "", urlWithViewState(new URL(location.href), view));
 * ```
 */

const DAY_MS = 86_400_000;

/** The ranges the picker offers, shortest first. */
export const RANGES = {
  "24h": { label: "24 h", ms: DAY_MS },
  "7d": { label: "7 d", ms: 7 * DAY_MS },
  "30d": { label: "30 d", ms: 30 * DAY_MS },
  "90d": { label: "90 d", ms: 90 * DAY_MS },
} as const;

export type RangeKey = keyof typeof RANGES;

export const DEFAULT_RANGE: RangeKey = "7d";

export interface ViewState {
  range: RangeKey;
  /** The page of jobs, from 1. */
  page: number;
}

/** True for a range the picker offers (and not for "constructor" and the like). */
export function isRange(value: string | null): value is RangeKey {
  return value !== null && Object.hasOwn(RANGES, value);
}

/** The view a URL asks for; anything missing or malformed falls back to the default. */
export function readViewState(url: URL): ViewState {
  const range = url.searchParams.get("range");
  const page = Number(url.searchParams.get("page"));
  return {
    range: isRange(range) ? range : DEFAULT_RANGE,
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

/** `url` with the view's parameters set (page 1 is left out); its other parameters are kept. */
export function urlWithViewState(url: URL, view: ViewState): URL {
  const next = new URL(url);
  next.searchParams.set("range", view.range);
  if (view.page > 1) next.searchParams.set("page", String(view.page));
  else next.searchParams.delete("page");
  return next;
}

/** The start of the UTC day that holds `time`. */
export function startOfUtcDay(time: Date): Date {
  return new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
}

export interface RangeBounds {
  /** Runs that ended at or after this time count in the range's figures. */
  since: Date;
  until: Date;
  /** The start of the first UTC day the range touches: the trend shows whole days. */
  firstDay: Date;
  /** Every UTC day of the trend, `YYYY-MM-DD`, oldest first. */
  days: string[];
}

/** The time window of a range ending at `now`. */
export function rangeBounds(range: RangeKey, now: Date): RangeBounds {
  const since = new Date(now.getTime() - RANGES[range].ms);
  const firstDay = startOfUtcDay(since);
  const days: string[] = [];
  for (let day = firstDay.getTime(); day <= now.getTime(); day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return { since, until: now, firstDay, days };
}
