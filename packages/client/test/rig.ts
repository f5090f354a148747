/**
 * A tracker on the fakes, as most tests want it: alice signed in, a fake server, a fake clock.
 *
 * @module
 */
import type { Platform } from "../src/platform.ts";
import { createCoreTracker } from "../src/tracker.ts";
import type { TrackerOptions } from "../src/types.ts";
import { errorLog, fakeClock, fakePlatform, fakeStorage, fakeToken } from "./fakes.ts";

type FakeStorage = ReturnType<typeof fakeStorage>;
import { fakeServer } from "./fake_server.ts";

export const URL_ = "https://project.supabase.co/functions/v1/track-event";

export function rig(
  options: Partial<TrackerOptions> = {},
  extra: {
    storage?: FakeStorage;
    platform?: Partial<Platform>;
    clock?: ReturnType<typeof fakeClock>;
  } = {},
) {
  const clock = extra.clock ?? fakeClock();
  const server = fakeServer();
  const storage = extra.storage ?? fakeStorage();
  const auth = {
    token: fakeToken("alice") as string | null,
    /** The token a forced refresh returns; the current one by default. */
    refreshed: undefined as string | null | undefined,
    calls: [] as boolean[],
  };
  const log = errorLog();
  const getAccessToken = ({ forceRefresh }: { forceRefresh: boolean }) => {
    auth.calls.push(forceRefresh);
    if (forceRefresh && auth.refreshed !== undefined) auth.token = auth.refreshed;
    return Promise.resolve(auth.token);
  };
  const make = () =>
    createCoreTracker(
      { url: URL_, apiKey: "anon-key", getAccessToken, onError: log.onError, ...options },
      storage,
      fakePlatform(clock, (url, init) => server.fetch(url, init), extra.platform),
    );
  return { clock, server, storage, auth, log, tracker: make(), make };
}
