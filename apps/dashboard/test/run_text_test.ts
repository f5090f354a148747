import assert from "node:assert/strict";
import { describeRun } from "../src/run_text.ts";

const now = new Date("2026-12-03T14:03:20Z");
const base = {
  started_at: "2026-12-03T14:03:07Z",
  ended_at: "2026-12-03T14:03:08.200Z",
  attempts: 1,
  latency_ms: 1200,
};

Deno.test("a completed run reads as its latency, and names its attempt after a restart", () => {
  assert.deepEqual(describeRun({ ...base, status: "completed" }, now), {
    label: "1.2 s",
    detail: "14:03:07 → 14:03:08",
  });
  assert.equal(
    describeRun({ ...base, status: "completed", attempts: 2 }, now).detail,
    "14:03:07 → 14:03:08 · attempt 2",
  );
});

Deno.test("a failed run reads as failed, with how long it ran before failing", () => {
  assert.deepEqual(describeRun({ ...base, status: "failed" }, now), {
    label: "failed",
    detail: "failed after 1.2 s · 14:03:07 → 14:03:08",
  });
  assert.equal(
    describeRun({ ...base, status: "failed", attempts: 3 }, now).detail,
    "attempt 3 failed after 1.2 s · 14:03:07 → 14:03:08",
  );
});

Deno.test("a restarted stage that runs again reads as running, never as done", () => {
  const rerun = {
    ...base,
    status: "running" as const,
    attempts: 3,
    ended_at: null,
    latency_ms: null,
  };
  assert.deepEqual(describeRun(rerun, now), {
    label: "running",
    detail: "attempt 3, running · started 13 s ago",
  });
  assert.equal(describeRun({ ...rerun, attempts: 1 }, now).detail, "running · started 13 s ago");
});
