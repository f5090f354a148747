/**
 * The platform-neutral core: `track()`, the queue, whose each event is, and the public API. It
 * knows no browser or React Native API; everything outside comes in through `Platform` and the
 * options. Sending is `delivery.ts`; what an answer means is `response_action.ts`.
 *
 * @module
 */
import { MAX_EVENT_BYTES } from "./batch.ts";
import { createDelivery } from "./delivery.ts";
import { buildEvent } from "./event_body.ts";
import { exitSend } from "./exit_send.ts";
import { ownerLookups } from "./owner.ts";
import type { Platform } from "./platform.ts";
import { createQueue } from "./queue.ts";
import { subOf } from "./token.ts";
import type {
  AnyEvents,
  ErrorCode,
  Storage,
  Tracker,
  TrackerError,
  TrackerOptions,
} from "./types.ts";
import { uuidV7Generator } from "./uuid_v7.ts";

const DAY_MS = 86_400_000;
/** A flush() without a timeout re-arms its keep-alive timer this often (the longest timer). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Builds a tracker on an explicit platform and storage; `createTracker` picks them for you.
 *
 * @example
 * ```ts
 * const tracker = createCoreTracker({ url, apiKey, getAccessToken }, memoryStorage(), platform);
 * ```
 */
export function createCoreTracker<E = AnyEvents>(
  options: TrackerOptions,
  storage: Storage,
  platform: Platform,
): Tracker<E> {
  const cap = options.maxQueueEvents ?? 10_000;
  const maxAgeMs = options.maxEventAgeMs ?? 7 * DAY_MS;
  const nextId = uuidV7Generator(platform.now, platform.randomBytes);
  const counts = { sent: 0, duplicates: 0, dropped: 0 };
  const report = (
    code: ErrorCode,
    message: string,
    eventIds: string[] = [],
    detail?: Partial<TrackerError>,
  ) => {
    try {
      options.onError?.({ code, message, eventIds, ...detail });
    } catch {
      // The app's handler must not break delivery.
    }
  };
  const queue = createQueue(
    storage,
    () => report("storage_failed", "The event storage failed; events are kept in memory"),
    () => hooks?.announce?.(),
  );
  const drop = (
    ids: string[],
    code: ErrorCode,
    message: string,
    detail?: Partial<TrackerError>,
  ) => {
    for (const id of ids) owners.forget(id);
    const removed = queue.remove(ids).map((e) => e.id);
    counts.dropped += removed.length;
    if (removed.length) report(code, message, removed, detail);
  };
  /** An event dropped at track(), before it was queued. */
  const refuse = (id: string, code: ErrorCode, message: string) => {
    counts.dropped++;
    report(code, message, [id]);
    return id;
  };
  const getToken = (forceRefresh: boolean) =>
    new Promise<string | null>((resolve) => resolve(options.getAccessToken({ forceRefresh })));

  const enforceCap = () => {
    const excess = queue.size() - cap;
    if (excess > 0) drop(queue.oldest(excess), "queue_full", "The queue is full");
  };

  const tidy = () => {
    const now = platform.now();
    drop(
      queue.list().filter((e) => now - e.at > maxAgeMs).map((e) => e.id),
      "expired",
      `Older than ${maxAgeMs} ms`,
    );
    enforceCap();
    // Stored without an owner (by an SDK older than the per-event owner lookups, whose tab stopped before its lookup
    // answered): nobody can name its user, and the current one may be someone else.
    drop(
      queue.list().filter((e) => e.sub === undefined && !owners.pending(e.id)).map((e) => e.id),
      "unknown_user",
      "Stored before its user was known; never sent",
    );
  };

  const delivery = createDelivery({
    options,
    platform,
    queue,
    counts,
    getToken,
    report,
    drop,
    tidy,
  });
  const { state, schedule, run } = delivery;

  const owners = ownerLookups(() => getToken(false), cap, (id, token, waiting) => {
    if (token !== undefined) delivery.tokenSeen(token);
    const event = waiting && queue.get(id);
    if (!event) return; // dropped (the cap, its age) while the lookup was out
    // A failed lookup: the user is the last one this tracker saw. With none seen, nobody can be
    // named, and handing the event to whoever signs in next could tie it to another person.
    const owner = token === undefined ? state.lastToken : token;
    if (token === null) {
      drop([id], "signed_out", "Tracked while signed out: no user to attribute it to");
    } else if (owner) queue.put({ ...event, sub: subOf(owner) });
    else drop([id], "unknown_user", "getAccessToken failed before any user was known");
    schedule();
  });

  const hooks = platform.attach?.({
    sendOnExit() {
      const token = state.lastToken;
      if (state.closed || !token) return;
      exitSend(
        platform,
        queue,
        { url: options.url, apiKey: options.apiKey, token },
        delivery.acknowledge,
      );
    },
    setOnline(value) {
      state.online = value;
      if (value) state.backoffUntil = 0;
      schedule(true);
    },
    setLeader(value) {
      state.leader = value;
      schedule(true);
    },
    wake: () => void (state.closed || run()),
  });
  // Events left by an earlier tracker on the same storage go out with the next interval.
  queue.sync().then(() => schedule());

  return {
    track(event, fields) {
      let id = "";
      // Nothing the app passes may throw into it: what cannot be sent is dropped and reported.
      try {
        // Lowercase, as the server acknowledges it: an acknowledgement must name the queued id.
        id = fields?.event_id?.toLowerCase() ?? nextId();
        const at = platform.now();
        const { body, size, lossy } = buildEvent(event, fields ?? {}, id, at);
        if (lossy.length) {
          report("lossy_properties", `Sent as null or {}: ${lossy.join(", ")}`, [id]);
        }
        if (size > MAX_EVENT_BYTES) {
          return refuse(id, "too_large", `The event is over ${MAX_EVENT_BYTES} bytes of JSON`);
        }
        if (!owners.start(id)) {
          return refuse(id, "queue_full", `getAccessToken has not answered ${cap} lookups`);
        }
        queue.hold({ id, at, size, body });
        enforceCap();
        schedule();
      } catch (error) {
        refuse(id, "invalid_event", `track() could not make JSON of the event: ${error}`);
      }
      return id;
    },
    flush({ timeoutMs } = {}) {
      const { done, cancel } = queue.drained();
      state.flushing++;
      // A wait for a token is worth a new look now; a server's backoff is kept.
      if (state.awaitingToken) state.backoffUntil = 0;
      if (platform.now() >= state.backoffUntil) run();
      else schedule(true);
      // The one timer that holds a Node or Deno process open: the app is waiting for this.
      let timeout: unknown;
      const expired = new Promise<boolean>((resolve) => {
        const arm = (ms: number) =>
          timeout = platform.setTimeout(
            () => {
              if (timeoutMs === undefined) return arm(MAX_TIMER_MS);
              cancel();
              resolve(false);
            },
            ms,
            true,
          );
        arm(timeoutMs ?? MAX_TIMER_MS);
      });
      return Promise.race([done.then(() => true), expired]).finally(() => {
        state.flushing--;
        platform.clearTimeout(timeout);
      });
    },
    stats: () => ({ queued: queue.size(), ...counts }),
    clear: () => drop(queue.list().map((e) => e.id), "opted_out", "Cleared unsent"),
    async close() {
      hooks?.detach();
      await delivery.stop();
      await queue.sync();
      const left = queue.list().map((e) => e.id);
      if (storage.volatile && left.length) {
        report("unsent_at_close", "close() left these events unsent in memory storage", left);
      }
    },
  };
}
