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
import type { Platform } from "./platform.ts";
import { createQueue } from "./queue.ts";
import { decide, type Outcome } from "./response_action.ts";
import { send } from "./send.ts";
import { subOf } from "./token.ts";
import type {
  AnyEvents,
  ErrorCode,
  QueuedEvent,
  Storage,
  Tracker,
  TrackerOptions,
} from "./types.ts";
import { uuidV7Generator } from "./uuid_v7.ts";

const DAY_MS = 86_400_000;

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
  const report = (code: ErrorCode, message: string, eventIds: string[] = [], status?: number) => {
    try {
      options.onError?.({ code, message, eventIds, status });
    } catch {
      // The app's handler must not break delivery.
    }
  };
  const queue = createQueue(
    storage,
    () => report("storage_failed", "The event storage failed; events are kept in memory"),
    () => hooks?.announce?.(),
  );
  const drop = (ids: string[], code: ErrorCode, message: string, status?: number) => {
    const removed = queue.remove(ids).map((e) => e.id);
    counts.dropped += removed.length;
    if (removed.length) report(code, message, removed, status);
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
  /** Events whose owner lookup at track() is still in flight. */
  const lookingUp = new Set<string>();
  let turnToken: Promise<string | null> | undefined;

  const getToken = (forceRefresh: boolean) =>
    new Promise<string | null>((resolve) => resolve(options.getAccessToken({ forceRefresh })));

  const assign = (ids: string[], token: string | null) => {
    if (token === null) {
      return drop(ids, "signed_out", "Tracked while signed out: no user to attribute it to");
    }
    for (const id of ids) {
      const event = queue.get(id);
      if (event) queue.put({ ...event, sub: subOf(token) });
    }
  };

  // One token request per synchronous run of track() calls: within it, the user cannot change.
  const resolveOwner = (id: string) => {
    if (!turnToken) {
      turnToken = getToken(false);
      queueMicrotask(() => turnToken = undefined);
    }
    lookingUp.add(id);
    turnToken.then((token) => {
      lookingUp.delete(id);
      lastToken = token;
      if (awaitingToken && token !== null && token !== heldToken) {
        awaitingToken = false;
        backoffUntil = 0;
      }
      assign([id], token);
      schedule();
    }, () => {
      lookingUp.delete(id);
      // No answer: the user is the last one this tracker saw. With none seen, nobody can be named,
      // and handing the event to whoever signs in next could tie it to another person.
      if (lastToken) assign([id], lastToken);
      else drop([id], "unknown_user", "getAccessToken failed before any user was known");
    });
  };

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
    let token: string | null | undefined;
    while (!closed && online && leader && platform.now() >= backoffUntil) {
      if (token === undefined) {
        // Events stored before their owner was known (an earlier tracker, or another tab, stopped
        // within the moment between track() and the token's answer) take the next answer.
        const failed = queue.list().filter((e) => e.sub === undefined && !lookingUp.has(e.id))
          .map((e) => e.id);
        try {
          token = await getToken(false);
        } catch {
          return retryLater(0);
        }
        lastToken = token;
        if (failed.length) assign(failed, token);
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
      const outcome = decide(await send(platform, target, body, false), batch, platform.now());
      const next = await handle(outcome, batch, token);
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
  const handle = async (outcome: Outcome, batch: QueuedEvent[], token: string) => {
    if (outcome.type === "ack") {
      acknowledge(batch, outcome.created, outcome.duplicates);
      failures = 0;
      splitTo = MAX_BATCH_EVENTS;
      refreshedToken = null;
    } else if (outcome.type === "retry") {
      if (outcome.halve) splitTo = Math.max(1, batch.length >> 1);
      if (outcome.unexpected) report("unexpected_response", "Unexpected answer; retrying later");
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
      drop(outcome.ids, outcome.reason, "The server rejected these events");
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
    track(event, fields = {}) {
      const id = nextId();
      const at = platform.now();
      const { body, size } = buildEvent(event, fields, id, at);
      if (size > MAX_EVENT_BYTES) {
        counts.dropped++;
        report("too_large", `The event is over ${MAX_EVENT_BYTES} bytes of JSON`, [id]);
        return id;
      }
      queue.put({ id, at, size, body });
      resolveOwner(id);
      enforceCap();
      schedule();
      return id;
    },
    flush({ timeoutMs } = {}) {
      const { done, cancel } = queue.drained();
      flushing++;
      // A wait for a token is worth a new look now; a server's backoff is kept.
      if (awaitingToken) backoffUntil = 0;
      if (platform.now() >= backoffUntil) run();
      else schedule(true);
      if (timeoutMs === undefined) return done.then(() => true).finally(() => flushing--);
      let timeout: unknown;
      const expired = new Promise<boolean>((resolve) => {
        timeout = platform.setTimeout(() => {
          cancel();
          resolve(false);
        }, timeoutMs);
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
    },
  };
}
