/**
 * The session: one id for a run of activity, rotated once the user has been idle for a while
 * (30 minutes by default, as Amplitude and PostHog do). It lives in the settings, so a reload or
 * a second tab of the same origin continues it.
 *
 * @module
 */
import type { Settings } from "./settings.ts";

export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

/**
 * The session id for an event at `now`: the stored one when it was used within `idleMs`, else a
 * new one from `newId`. Returns the id and the session to store.
 *
 * @example
 * ```ts
 * const { id, session } = touchSession(settings.session, Date.now(), 1_800_000, newId);
 * ```
 */
export function touchSession(
  stored: Settings["session"],
  now: number,
  idleMs: number,
  newId: () => string,
): { id: string; session: NonNullable<Settings["session"]> } {
  const fresh = stored && now - stored.last <= idleMs && now >= stored.last - idleMs;
  const id = fresh ? stored.id : newId();
  return { id, session: { id, last: Math.max(now, fresh ? stored.last : now) } };
}
