import assert from "node:assert/strict";
import type { TokenVerifier } from "../_shared/auth.ts";
import { deferredStoreFactory, deferredVerifier, once } from "./deferred_deps.ts";
import type { StoreFactory } from "./store_contract.ts";

/** A promise the test resolves by hand, to show that calls wait for the module to load. */
function pending<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("a deferred verifier waits for the real one, then passes the token and clock on", async () => {
  const loading = pending<TokenVerifier>();
  const seen: [string, Date][] = [];
  const verify = deferredVerifier(() => loading.promise);
  const at = new Date(0);
  const answer = verify("token-a", at);
  assert.equal(seen.length, 0);
  loading.resolve((token, now) => {
    seen.push([token, now]);
    return Promise.resolve({ userId: "u1", expiresAtMs: 1 });
  });
  assert.deepEqual(await answer, { userId: "u1", expiresAtMs: 1 });
  assert.deepEqual(seen, [["token-a", at]]);
});

Deno.test("a deferred verifier passes the real verifier's refusal on", async () => {
  const verify = deferredVerifier(() =>
    Promise.resolve(() => Promise.reject(new Error("refused")))
  );
  await assert.rejects(verify("token", new Date()), /refused/);
});

Deno.test("a deferred store acts as the caller whose token it was made for", async () => {
  const loading = pending<StoreFactory>();
  const calls: string[] = [];
  const storeFor = deferredStoreFactory(() => loading.promise);
  const store = storeFor("token-b");
  const visible = store.visibleJobIds(["j1"]);
  const inserted = store.insertEvents([]);
  loading.resolve((token) => ({
    visibleJobIds: (ids) => {
      calls.push(`visible ${token} ${ids.join()}`);
      return Promise.resolve(new Set(ids));
    },
    insertEvents: (rows) => {
      calls.push(`insert ${token} ${rows.length}`);
      return Promise.resolve(new Set(["e1"]));
    },
  }));
  assert.deepEqual(await visible, new Set(["j1"]));
  assert.deepEqual(await inserted, new Set(["e1"]));
  assert.deepEqual(calls, ["visible token-b j1", "insert token-b 0"]);
});

Deno.test("once loads on the first call only, and never before it", async () => {
  let loads = 0;
  const load = once(() => Promise.resolve(++loads));
  assert.equal(loads, 0);
  assert.equal(await load(), 1);
  assert.equal(await load(), 1);
  assert.equal(loads, 1);
});
