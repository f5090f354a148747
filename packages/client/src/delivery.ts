/**
 * The delivery loop: when to send, which user's batch goes with the current token, and what each
 * answer (decided by `response_action.ts`) does to the queue, the backoff and the token.
 *
 * @module
 */
import { backoffDelay } from "./backoff.ts";
import { encodeBatch, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, takeBatch } from "./batch.ts";
import type { Platform } from "./platform.ts";
import type { Queue } from "./queue.ts";
import { type Answer, decide, describe, type Outcome } from "./response_action.ts";
import { send } from "./send.ts";
import { subOf } from "./token.ts";
import type {
  ErrorCode,
  QueuedEvent,
  TrackerError,
  TrackerOptions,
  TrackerStats,
} from "./types.ts";

/** The switches the tracker flips, and what it reads back. */
export interface DeliveryState {
  closed: boolean;
  online: boolean;
  /** Whether this context may send (the Web Locks election between tabs). */
  leader: boolean;
  /** How many flush() calls are waiting: while any is, the queue is drained without pause. */
  flushing: number;
  backoffUntil: number;
  /** The backoff is for want of a usable token, not a server failure: a new token ends it. */
  awaitingToken: boolean;
  /** The last token getAccessToken answered. */
  lastToken: string | null;
}

export interface DeliveryDeps {
  options: TrackerOptions;
  platform: Platform;
  queue: Queue;
  counts: Omit<TrackerStats, "queued">;
  getToken: (forceRefresh: boolean) => Promise<string | null>;
  report: (
    code: ErrorCode,
    message: string,
    ids?: string[],
    detail?: Partial<TrackerError>,
  ) => void;
  drop: (ids: string[], code: ErrorCode, message: string, detail?: Partial<TrackerError>) => void;
  /** Housekeeping after each reload of the storage (age limit, cap, events nobody owns). */
  tidy: () => void;
}

/**
 * Builds the loop over `deps`; nothing runs until `schedule()` or `run()`.
 *
 * @example
 * ```ts
 * const delivery = createDelivery({ options, platform, queue, counts, getToken, report, drop, tidy });
 * delivery.schedule();
 * ```
 */
export function createDelivery(deps: DeliveryDeps) {
  const { options, platform, queue, counts, getToken, report, drop } = deps;
  const flushAt = options.flushAt ?? 20;
  const intervalMs = options.flushIntervalMs ?? 1000;
  const state: DeliveryState = {
    closed: false,
    online: true,
    leader: true,
    flushing: 0,
    backoffUntil: 0,
    awaitingToken: false,
    lastToken: null,
  };
  let timer: unknown;
  let timerAt = Infinity;
  let running: Promise<void> | undefined;
  let rerun = false;
  let failures = 0;
  let splitTo = MAX_BATCH_EVENTS;
  let refreshedToken: string | null = null;
  let heldToken: string | null = null;

  const schedule = (now = false) => {
    if (state.closed || !state.online || !state.leader || !queue.size()) return;
    const soon = now || queue.size() >= flushAt;
    const at = Math.max(platform.now() + (soon ? 0 : intervalMs), state.backoffUntil);
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

  /** Every answered lookup: the last user seen, and the end of a wait for a new token. */
  const tokenSeen = (token: string | null) => {
    state.lastToken = token;
    if (state.awaitingToken && token !== null && token !== heldToken) {
      state.awaitingToken = false;
      state.backoffUntil = 0;
    }
  };

  const deliver = async () => {
    await queue.sync();
    deps.tidy();
    let token: string | null | undefined;
    while (ready() && platform.now() >= state.backoffUntil) {
      if (token === undefined) {
        try {
          token = await getToken(false);
        } catch {
          return retryLater(0);
        }
        state.lastToken = token;
      }
      if (token === null || token === heldToken) return retryLater(0, true);
      heldToken = null;
      const sub = subOf(token);
      const batch = takeBatch(mine(sub), splitTo, MAX_BATCH_BYTES);
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
      if (outcome.type === "ack" && !state.flushing && mine(sub).length < flushAt) return;
      token = next;
    }
  };

  const ready = () => !state.closed && state.online && state.leader;
  const mine = (sub: string) => queue.list().filter((e) => e.sub === sub);

  /** Applies an outcome; returns the token to go on with, undefined to ask again, false to stop. */
  const handle = async (outcome: Outcome, answer: Answer, batch: QueuedEvent[], token: string) => {
    const detail = describe(answer);
    // "404 not_found", "a redirect": what onError's message says the answer was.
    const said = (answer.redirect ? "a redirect" : `${detail.status}`) +
      (detail.serverCode ? ` ${detail.serverCode}` : "");
    if (outcome.type === "ack") {
      acknowledge(batch, outcome.created, outcome.duplicates);
      failures = 0;
      splitTo = MAX_BATCH_EVENTS;
      refreshedToken = null;
    } else if (outcome.type === "retry") {
      if (outcome.halve) splitTo = Math.max(1, batch.length >> 1);
      if (outcome.unexpected) {
        report(
          "unexpected_response",
          `Unexpected answer (${said}): it acknowledges no event; retrying later`,
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
      drop(
        outcome.ids,
        outcome.reason,
        `The server rejected these events (${said})`,
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
    state.awaitingToken = forToken;
    state.backoffUntil = platform.now() + backoffDelay(failures++, platform.random, atLeastMs);
  };

  /** Stops the timer; resolves once a request in flight has been answered. */
  const stop = () => {
    state.closed = true;
    platform.clearTimeout(timer);
    return running;
  };

  return { state, schedule, run, tokenSeen, acknowledge, stop };
}
