// track-event: composition root. Reads the configuration (failing fast), wires real
// dependencies, and serves. DENO_SERVE_ADDRESS, when set, chooses the address.
import { createJsonLogger } from "../_shared/log.ts";
import { uuidV7 } from "../_shared/uuid_v7.ts";
import { cacheVerifiedTokens } from "../_shared/verified_token_cache.ts";
import { loadConfig } from "./config.ts";
import { deferredStoreFactory, deferredVerifier } from "./deferred_deps.ts";
import { createHandler } from "./handler.ts";
import { createOwnershipCache } from "./ownership_cache.ts";
import { createRefusalMemory } from "./refusal_memory.ts";

const config = loadConfig((name) => Deno.env.get(name));
const now = () => new Date();
// jose and supabase-js load with the first POST, so preflights never wait for them.
const verifier = async () =>
  (await import("../_shared/auth.ts")).createTokenVerifier(config.tokenKeys);
const stores = async () =>
  (await import("./store.ts")).createSupabaseStoreFactory({
    url: config.supabaseUrl,
    anonKey: config.anonKey,
    timeoutMs: config.upstreamTimeoutMs,
  });

Deno.serve(createHandler({
  now,
  newRequestId: () => crypto.randomUUID(),
  // Time-ordered ids, so the table can later be partitioned by event_id.
  newEventId: () => uuidV7(now().getTime()),
  verifyToken: cacheVerifiedTokens(deferredVerifier(verifier), {
    maxEntries: 10_000,
    maxAgeMs: 60_000,
  }),
  storeFor: deferredStoreFactory(stores),
  ownershipCache: createOwnershipCache({ ttlMs: 60_000, maxEntries: 10_000, now }),
  refusalMemory: createRefusalMemory({ maxEntries: 10_000, now }),
  logger: createJsonLogger(),
  schedule: (delayMs, callback) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
  config: { allowedOrigins: config.allowedOrigins, bodyTimeoutMs: config.bodyTimeoutMs },
}));
