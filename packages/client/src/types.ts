/**
 * The public types of the client SDK.
 *
 * @module
 */

/** What `getAccessToken` is asked for: a cached token, or a fresh one after a 401. */
export interface TokenRequest {
  forceRefresh: boolean;
}

/** Returns the signed-in user's access token, or null while nobody is signed in. */
export type GetAccessToken = (request: TokenRequest) => Promise<string | null>;

/** The fields of one event as the server receives them. */
export interface EventBody {
  event: string;
  event_id: string;
  occurred_at: string;
  job_id?: string | null;
  stage?: string;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** One queued event, as stored. JSON-safe, so any key-value store can hold it. */
export interface QueuedEvent {
  /** The event id (a UUIDv7), also the storage key. */
  id: string;
  /** The `sub` of the token that was current at `track()`; absent until it is known. */
  sub?: string;
  /** When it was tracked, in milliseconds since the epoch: age limits and cap order. */
  at: number;
  /** UTF-8 bytes of `JSON.stringify(body)`. */
  size: number;
  body: EventBody;
}

/**
 * Where queued events live between `track()` and the server's acknowledgement. Writes resolve
 * once the data is durable; `load` returns every stored event, in any order.
 */
export interface Storage {
  /**
   * Set when other contexts (browser tabs) share this storage: the tabs then elect one sender
   * with the Web Locks API, under this name.
   */
  shared?: string;
  /** Set when the events live only as long as the process: `close()` reports what is left. */
  volatile?: boolean;
  load(): Promise<QueuedEvent[]>;
  put(events: QueuedEvent[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
}

/** Why events were dropped, or what went wrong; passed to `onError`. */
export type ErrorCode =
  /**
   * The server rejected the event (400 naming its index), or `track()` could not make JSON of
   * its properties (a BigInt, a cycle, a getter or `toJSON` that throws).
   */
  | "invalid_event"
  /** The server answered 403 `job_not_owned` for the event's job. */
  | "job_not_owned"
  /** The event alone is over the server's size limit (32 KiB of JSON, or a 413 alone). */
  | "too_large"
  /** Older than `maxEventAgeMs`. */
  | "expired"
  /**
   * The queue was full (`maxQueueEvents`): the oldest events went first. Also the new event when
   * `getAccessToken` has left that many lookups unanswered.
   */
  | "queue_full"
  /** Tracked while `getAccessToken` returned null: no user to attribute it to. */
  | "signed_out"
  /**
   * No user can be named for the event: `getAccessToken` failed at `track()` before the tracker
   * had seen any user's token, or the event was found stored without an owner.
   */
  | "unknown_user"
  /** Dropped unsent by `clear()`, as `optOut()` does. */
  | "opted_out"
  /** Not a drop: property values JSON cannot hold (NaN, Infinity, a Map) were sent as null or {}. */
  | "lossy_properties"
  /** Not a drop: `close()` left these events unsent in a memory queue, lost when the process ends. */
  | "unsent_at_close"
  /** Not a drop: the storage failed; events stay in memory. */
  | "storage_failed"
  /**
   * Not a drop: an answer the SDK does not know (404, 405, a redirect, a 2xx that does not
   * acknowledge the batch); it backs off and retries.
   */
  | "unexpected_response";

/** What `onError` receives. `eventIds` is empty for errors that drop nothing. */
export interface TrackerError {
  code: ErrorCode;
  message: string;
  eventIds: string[];
  /** The HTTP status, when a response caused it. */
  status?: number;
  /** The server's error code (`error.code` of its body), when it gave one. */
  serverCode?: string;
  /** The server's error message, when it gave one. */
  serverMessage?: string;
}

/** The default event map: any name, any properties. */
export type AnyEvents = Record<string, Record<string, unknown>>;

/** The optional fields of `track()`; `properties` are typed by the event map. */
export interface TrackFields<P> {
  job_id?: string | null;
  stage?: string;
  properties?: P;
  /** Where the event happened (library, page, locale, session): stored apart from properties. */
  context?: Record<string, unknown>;
  /**
   * The caller's idempotency key (a UUID), e.g. to track the same event from two places once.
   * Default: a new UUIDv7. The queue keeps one event per id.
   */
  event_id?: string;
  /** When it happened, if not now: a `Date`, or an RFC 3339 string with an offset. */
  occurred_at?: Date | string;
}

/** Counters since this tracker was created. */
export interface TrackerStats {
  /** Events waiting in the queue (all users). */
  queued: number;
  /** Events the server acknowledged as newly stored. */
  sent: number;
  /** Events the server acknowledged as already stored (a retry of a stored event). */
  duplicates: number;
  /** Events dropped, each reported to `onError`. */
  dropped: number;
}

/** Bounds `flush()` and `close()`; without `timeoutMs` they wait as long as it takes. */
export interface WaitOptions {
  timeoutMs?: number;
}

/** The tracker: `track` is synchronous, delivery happens in the background. */
export interface Tracker<E = AnyEvents> {
  /** Queues one event and returns its `event_id` (the caller's, or a new UUIDv7). */
  track<K extends keyof E & string>(event: K, fields?: TrackFields<E[K]>): string;
  /**
   * Resolves true when every event tracked before the call was acknowledged or dropped, or false
   * when `timeoutMs` passed first (the events stay queued).
   */
  flush(options?: WaitOptions): Promise<boolean>;
  stats(): TrackerStats;
  /** Drops every queued event of every user unsent (`opted_out`): for a withdrawn consent. */
  clear(): void;
  /**
   * Stops sending and listening; waits for a request in flight. Queued events stay stored; in a
   * memory storage they are reported (`unsent_at_close`).
   */
  close(): Promise<void>;
}

/** The options of `createTracker`. */
export interface TrackerOptions {
  /** `${SUPABASE_URL}/functions/v1/track-event` */
  url: string;
  /** The project's anon (publishable) key, sent as the `apikey` header. */
  apiKey: string;
  /**
   * Called at every `track()` (its answer names the event's user) and before each send. Until it
   * answers, the event stays in this tracker's memory.
   */
  getAccessToken: GetAccessToken;
  /** Default: IndexedDB in browsers, memory elsewhere. */
  storage?: Storage;
  /** Send as soon as this many events are queued (default 20). */
  flushAt?: number;
  /** Otherwise send this long after the first unsent event (default 1000 ms). */
  flushIntervalMs?: number;
  /** Queue cap; the oldest events are dropped first (default 10,000). */
  maxQueueEvents?: number;
  /** Events older than this are dropped (default 7 days). */
  maxEventAgeMs?: number;
  onError?: (error: TrackerError) => void;
}
