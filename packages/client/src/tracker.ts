/**
 * The platform-neutral core: queueing, per-user delivery, retries. It knows no browser or React
 * Native API; everything outside comes in through `Platform` and the options.
 *
 * @module
 */
import { backoffDelay } from "./backoff.ts";
import {
  encodeBatch,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_EVENT_BYTES,
  takeBatch,
} from "./batch.ts";
import { buildEvent } from "./event_body.ts";
import { exitSend } from "./exit_send.ts";
import { ownerLookups } from "./owner.ts";
import type { Platform } from "./platform.ts";
import { createQueue } from "./queue.ts";
import { type Answer, decide, describe, type Outcome } from "./response_action.ts";
import { send } from "./send.ts";
import { subOf } from "./token.ts";
import type {
  AnyEvents,
  ErrorCode,
  QueuedEvent,
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
  const flushAt = options.flushAt ?? 20;
  const intervalMs = options.flushIntervalMs ?? 1000;
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

  let closed = false;
  let online = true;
  let leader = true;
  let timer: unknown;
  let timerAt = Infinity;
  let running: Promise<void> | undefined;
  let rerun = false;
  let failures = 0;
  let backoffUntil = 0;
  let splitTo = MAX_BATCH_EVENTS;
  let lastToken: string | null = null;
  let refreshedToken: string | null = null;
  let heldToken: string | null = null;
  // How many flush() calls are waiting: while any is, the queue is drained without pause.
  let flushing = 0;
  /** The backoff is for want of a usable token, not a server failure: a new token ends it. */
  let awaitingToken = false;

  const getToken = (forceRefresh: boolean) =>
    new Promise<string | null>((resolve) => resolve(options.getAccessToken({ forceRefresh })));

  const owners = ownerLookups(() => getToken(false), cap, (id, token, waiting) => {
    if (token !== undefined) {
      lastToken = token;
      if (awaitingToken && token !== null && token !== heldToken) {
        awaitingToken = false;
        backoffUntil = 0;
      }
    }
    const event = waiting && queue.get(id);
    if (!event) return; // dropped (the cap, its age) while the lookup was out
    // A failed lookup: the user is the last one this tracker saw. With none seen, nobody can be
    // named, and handing the event to whoever signs in next could tie it to another person.
    const owner = token === undefined ? lastToken : token;
    if (token === null) {
      drop([id], "signed_out", "Tracked while signed out: no user to attribute it to");
    } else if (owner) queue.put({ ...event, sub: subOf(owner) });
    else drop([id], "unknown_user", "getAccessToken failed before any user was known");
    schedule();
  });

  const enforceCap = () => {
    const excess = queue.size() - cap;
    if (excess > 0) drop(queue.oldest(excess), "queue_full", "The queue is full");
  };

  const dropExpired = () => {
    const old = queue.list().filter((e) => platform.now() - e.at > maxAgeMs).map((e) => e.id);
    drop(old, "expired", `Older than ${maxAgeMs} ms`);
  };

  const schedule = (now = false) => {
    if (closed || !online || !leader || !queue.size()) return;
    const soon = now || queue.size() >= flushAt;
    const at = Math.max(platform.now() + (soon ? 0 : intervalMs), backoffUntil);
    if (at >= timerAt) return;
    platform.clearTimeout(timer);
    timerAt = at;
    timer = platform.setTimeout(() => {
      timerAt = Infinity;
      run();
    }, Math.max(0, at - platform.now()));
  };

  const run = (): Promise<void> => {
    if (running) {
      rerun = true;
      return running;
    }
    running = deliver().finally(() => {
      running = undefined;
      // Asked again while busy (a wake, a flush): run once more, since the storage may hold
      // events this context has not seen yet.
      if (rerun) {
        rerun = false;
        run();
      } else schedule();
    });
    return running;
  };

  const deliver = async () => {
    await queue.sync();
    dropExpired();
    enforceCap();
    // Stored without an owner (by an SDK before 0.2, whose tab stopped before its lookup
    // answered): nobody can name its user, and the current one may be someone else.
    drop(
      queue.list().filter((e) => e.sub === undefined && !owners.pending(e.id)).map((e) => e.id),
      "unknown_user",
      "Stored before its user was known; never sent",
    );
    let token: string | null | undefined;
    while (!closed && online && leader && platform.now() >= backoffUntil) {
      if (token === undefined) {
        try {
          token = await getToken(false);
        } catch {
          return retryLater(0);
        }
        lastToken = token;
      }
      if (token === null || token === heldToken) return retryLater(0, true);
      heldToken = null;
      const sub = subOf(token);
      const batch = takeBatch(
        queue.list().filter((e) => e.sub === sub),
        splitTo,
        MAX_BATCH_BYTES,
      );
      // Only other users' events (or events still being attributed) are left: poll with the
      // backoff until their user's token is current; a new event of this user ends the wait.
      if (!batch.length) return queue.size() ? retryLater(0, true) : undefined;
      const body = encodeBatch(batch, new Date(platform.now()).toISOString());
      const target = { url: options.url, apiKey: options.apiKey, token };
      const answer = await send(platform, target, body, false);
      const outcome = decide(answer, batch, platform.now());
      const next = await handle(outcome, answer, batch, token);
      if (next === false) return;
      // Events tracked while this request was out wait for the interval (or a full batch, or a
      // flush) to go together, as flushAt and flushIntervalMs say: sending them at once would make
      // batches as small as the events of one round trip.
      if (outcome.type === "ack" && !flushing && pendingOf(sub) < flushAt) return;
      token = next;
    }
  };

  const pendingOf = (sub: string | null) => queue.list().filter((e) => e.sub === sub).length;

  /** Applies an outcome; returns the token to go on with, undefined to ask again, false to stop. */
  const handle = async (outcome: Outcome, answer: Answer, batch: QueuedEvent[], token: string) => {
    if (outcome.type === "ack") {
      acknowledge(batch, outcome.created, outcome.duplicates);
      failures = 0;
      splitTo = MAX_BATCH_EVENTS;
      refreshedToken = null;
    } else if (outcome.type === "retry") {
      if (outcome.halve) splitTo = Math.max(1, batch.length >> 1);
      if (outcome.unexpected) {
        const detail = describe(answer);
        report(
          "unexpected_response",
          `Unexpected answer (${answer.redirect ? "a redirect" : detail.status}${
            detail.serverCode ? ` ${detail.serverCode}` : ""
          }): not an acknowledgement of these events; retrying later`,
          [],
          detail,
        );
      }
      retryLater(outcome.atLeastMs);
      return false;
    } else if (outcome.type === "refresh") {
      if (token !== refreshedToken) {
        refreshedToken = await getToken(true).catch(() => null);
        if (refreshedToken && refreshedToken !== token) return refreshedToken;
      }
      heldToken = token;
      retryLater(0, true);
      return false;
    } else if (outcome.type === "drop") {
      const detail = describe(answer);
      drop(
        outcome.ids,
        outcome.reason,
        `The server rejected these events (${detail.status})`,
        detail,
      );
    } else {
      splitTo = Math.max(1, batch.length >> 1);
    }
    return undefined;
  };

  const acknowledge = (batch: QueuedEvent[], created: number, duplicates: number) => {
    queue.remove(batch.map((e) => e.id));
    counts.sent += created;
    counts.duplicates += duplicates;
  };

  const retryLater = (atLeastMs: number, forToken = false) => {
    awaitingToken = forToken;
    backoffUntil = platform.now() + backoffDelay(failures++, platform.random, atLeastMs);
  };

  const sendOnExit = () => {
    if (closed || !lastToken) return;
    exitSend(
      platform,
      queue,
      { url: options.url, apiKey: options.apiKey, token: lastToken },
      acknowledge,
    );
  };

  const hooks = platform.attach?.({
    sendOnExit,
    setOnline(value) {
      online = value;
      if (value) backoffUntil = 0;
      schedule(true);
    },
    setLeader(value) {
      leader = value;
      schedule(true);
    },
    wake: () => void (closed || run()),
  });
  // Events left by an earlier tracker on the same storage go out with the next interval.
  queue.sync().then(() => schedule());

  return {
    track(event, fields) {
      let id = "";
      // Nothing the app passes may throw into it: what cannot be sent is dropped and reported.
      try {
        id = nextId();
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
      flushing++;
      // A wait for a token is worth a new look now; a server's backoff is kept.
      if (awaitingToken) backoffUntil = 0;
      if (platform.now() >= backoffUntil) run();
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
        flushing--;
        platform.clearTimeout(timeout);
      });
    },
    stats: () => ({ queued: queue.size(), ...counts }),
    async close() {
      closed = true;
      platform.clearTimeout(timer);
      hooks?.detach();
      await running;
      await queue.sync();
      const left = queue.list().map((e) => e.id);
      if (storage.volatile && left.length) {
        report("unsent_at_close", "close() left these events unsent in memory storage", left);
      }
    },
  };
}
