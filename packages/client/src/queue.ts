/**
 * The durable queue: an in-memory view of the storage, written through in coalesced batches.
 * The storage is the truth: `sync()` reloads it, so events put there by another tab, or by an
 * earlier tracker on the same storage, are seen, and events another sender removed are forgotten.
 *
 * @module
 */
import type { QueuedEvent, Storage } from "./types.ts";

export interface Queue {
  list(): QueuedEvent[];
  size(): number;
  get(id: string): QueuedEvent | undefined;
  /** The ids of the `n` oldest events. */
  oldest(n: number): string[];
  /** Adds or replaces an event; written to storage soon after. */
  put(event: QueuedEvent): void;
  /** Adds an event to this context's memory only, until a `put()` of it: no other sees it. */
  hold(event: QueuedEvent): void;
  /** Removes events; returns those that were present. */
  remove(ids: string[]): QueuedEvent[];
  /** Waits for pending writes, then reloads the storage. */
  sync(): Promise<void>;
  /** Resolves when none of the events queued now is left (acknowledged or dropped). */
  drained(): { done: Promise<void>; cancel(): void };
}

/**
 * Builds the queue over `storage`; `onStorageError` is told when a write or a read fails (the
 * queue then keeps working in memory).
 *
 * `onWritten` follows every completed write, so other tabs can be told to look.
 *
 * @example
 * ```ts
 * const queue = createQueue(memoryStorage(), console.error);
 * queue.put(event);
 * await queue.sync();
 * ```
 */
export function createQueue(
  storage: Storage,
  onStorageError: (error: unknown) => void,
  onWritten: () => void = () => {},
): Queue {
  let events = new Map<string, QueuedEvent>();
  const toPut = new Map<string, QueuedEvent>();
  const toRemove = new Set<string>();
  // Events only this context has (held, or their write failed): kept in memory, never mistaken
  // for removed by another sender.
  const unwritten = new Set<string>();
  const waiters = new Set<{ ids: Set<string>; resolve: () => void }>();
  let chain = Promise.resolve();
  let writeQueued = false;

  const serially = (task: () => Promise<void>) => chain = chain.then(task).catch(onStorageError);

  const write = async () => {
    writeQueued = false;
    const puts = [...toPut.values()];
    const removes = [...toRemove];
    toPut.clear();
    toRemove.clear();
    if (puts.length) {
      try {
        await storage.put(puts);
        for (const e of puts) unwritten.delete(e.id);
      } catch (error) {
        for (const e of puts) unwritten.add(e.id);
        onStorageError(error);
      }
    }
    if (removes.length) await storage.remove(removes);
    onWritten();
  };

  const writeSoon = () => {
    if (!writeQueued) {
      writeQueued = true;
      serially(write);
    }
  };

  const forget = (ids: Iterable<string>) => {
    for (const waiter of waiters) {
      for (const id of ids) waiter.ids.delete(id);
      if (!waiter.ids.size) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  return {
    list: () => [...events.values()],
    size: () => events.size,
    get: (id) => events.get(id),
    oldest(n) {
      const ids: string[] = [];
      for (const id of events.keys()) {
        if (ids.length >= n) break;
        ids.push(id);
      }
      return ids;
    },
    put(event) {
      events.set(event.id, event);
      toPut.set(event.id, event);
      writeSoon();
    },
    hold(event) {
      events.set(event.id, event);
      unwritten.add(event.id);
    },
    remove(ids) {
      const removed: QueuedEvent[] = [];
      for (const id of ids) {
        const event = events.get(id);
        if (!event) continue;
        removed.push(event);
        events.delete(id);
        toPut.delete(id);
        unwritten.delete(id);
        toRemove.add(id);
      }
      if (removed.length) {
        writeSoon();
        forget(ids);
      }
      return removed;
    },
    sync: () =>
      serially(async () => {
        const stored = await storage.load();
        const next = new Map<string, QueuedEvent>();
        for (const e of stored.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))) {
          if (!toRemove.has(e.id)) next.set(e.id, toPut.get(e.id) ?? e);
        }
        for (const [id, e] of events) {
          if (!next.has(id) && (toPut.has(id) || unwritten.has(id))) next.set(id, e);
        }
        const gone = [...events.keys()].filter((id) => !next.has(id));
        events = next;
        forget(gone);
      }),
    drained() {
      let cancel = () => {};
      const done = new Promise<void>((resolve) => {
        const waiter = { ids: new Set(events.keys()), resolve };
        if (!waiter.ids.size) return resolve();
        waiters.add(waiter);
        cancel = () => waiters.delete(waiter);
      });
      return { done, cancel };
    },
  };
}
