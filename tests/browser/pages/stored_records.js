// Counts what the origin holds in IndexedDB, for the drivers of the test pages.

const request = (r) =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/**
 * How many records the origin holds in IndexedDB, over every database and store. It knows
 * nothing of the SDK's schema.
 */
export async function storedRecords() {
  let total = 0;
  for (const { name } of await indexedDB.databases()) {
    const db = await request(indexedDB.open(name));
    const stores = [...db.objectStoreNames];
    if (stores.length) {
      const tx = db.transaction(stores, "readonly");
      for (const store of stores) total += await request(tx.objectStore(store).count());
    }
    db.close();
  }
  return total;
}
