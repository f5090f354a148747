// Typed events: `createTracker<Events>()` checks event names and their properties. The
// `@ts-expect-error` lines fail `deno test` and `deno check` if they stop being errors.
import assert from "node:assert/strict";
import { createCoreTracker } from "../src/tracker.ts";
import { fakeClock, fakePlatform, fakeStorage } from "./fakes.ts";
import { fakeServer } from "./fake_server.ts";

type Events = {
  stage_started: { attempt: number };
  app_opened: { platform: "ios" | "android" | "web" };
};

Deno.test("an event map types event names and properties", () => {
  const tracker = createCoreTracker<Events>(
    { url: "https://x", apiKey: "k", getAccessToken: () => Promise.resolve(null) },
    fakeStorage(),
    fakePlatform(fakeClock(), fakeServer().fetch),
  );
  tracker.track("stage_started", { stage: "render", properties: { attempt: 1 } });
  tracker.track("app_opened", { properties: { platform: "web" } });
  // @ts-expect-error an event name that is not in the map
  tracker.track("stage_finished");
  // @ts-expect-error a property of the wrong type
  tracker.track("stage_started", { properties: { attempt: "1" } });
  // @ts-expect-error a property value outside its union
  tracker.track("app_opened", { properties: { platform: "windows" } });
  // @ts-expect-error a job_id that is not a string
  tracker.track("app_opened", { job_id: 7 });
  assert.equal(tracker.stats().queued, 6);
});

Deno.test("without an event map any name and properties are accepted", () => {
  const tracker = createCoreTracker(
    { url: "https://x", apiKey: "k", getAccessToken: () => Promise.resolve(null) },
    fakeStorage(),
    fakePlatform(fakeClock(), fakeServer().fetch),
  );
  tracker.track("anything", { properties: { nested: { ok: true } } });
  assert.equal(tracker.stats().queued, 1);
});
