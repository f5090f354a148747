/**
 * IndexedDB storage for browsers: one object store keyed by event id, shared by the tabs of an
 * origin. (localStorage is synchronous, blocks the page and holds about 5 MB; IndexedDB does
 * neither.)
 *
 * @module
 */
import type { QueuedEvent, Storage } from "./types.ts";

const STORE = "events";

/**
 * @example
 * ```ts
 * const storage = indexedDBStorage("track-event");
 * ```
 */
export function indexedDBStorage(name = "track-event"): Storage {
  let db: Promise<IDBDatabase> | undefined;
  const open = () =>
    db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        db = undefined;
        reject(request.error);
      };
    });
  const run = async <T>(
    mode: IDBTransactionMode,
    work: (store: IDBObjectStore) => IDBRequest<T> | void,
  ) => {
    const tx = (await open()).transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    return new Promise<T>((resolve, reject) => {
      tx.oncomplete = () => resolve(request ? request.result : undefined as T);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  };
  return {
    shared: `indexeddb:${name}`,
    load: () => run("readonly", (store) => store.getAll() as IDBRequest<QueuedEvent[]>),
    put: (events) => run("readwrite", (store) => void events.forEach((e) => store.put(e))),
    remove: (ids) => run("readwrite", (store) => void ids.forEach((id) => store.delete(id))),
  };
}
