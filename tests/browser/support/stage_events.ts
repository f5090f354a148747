/**
 * Stage histories for the dashboard's browser tests: many jobs at once, and any sequence of
 * `stage_started`, `stage_completed` and `stage_failed` events, sent through the function in
 * batches, as an app would send them.
 *
 * @example
 * ```ts
 * const jobs = await createJobs(db, user.id, 201, "export");
 * await sendStageEvents(db, user, [started(jobs[0], "fetch", -5_000), failed(jobs[0], "fetch", -3_800)]);
 * ```
 */
import assert from "node:assert/strict";
import type { Fixtures, TestUser } from "../../support/fixtures.ts";
import { postEvents } from "../../support/track_event.ts";

export interface StageEvent {
  event: "stage_started" | "stage_completed" | "stage_failed";
  job_id: string;
  stage: string;
  occurred_at: string;
}

const BATCH = 500;

// One "now" for every event a test makes, so that the gap between two events is exactly the
// difference of their offsets, however long the test takes to build them.
const NOW = Date.now();

function stageEvent(event: StageEvent["event"]) {
  return (job: string, stage: string, msFromNow: number): StageEvent => ({
    event,
    job_id: job,
    stage,
    occurred_at: new Date(NOW + msFromNow).toISOString(),
  });
}

/** A stage event `msFromNow` from the time the test started (negative: before it). */
export const started = stageEvent("stage_started");
export const completed = stageEvent("stage_completed");
export const failed = stageEvent("stage_failed");

/** Sends the events through the function, 500 to a request, and checks each batch was stored. */
export async function sendStageEvents(
  db: Fixtures,
  user: TestUser,
  events: readonly StageEvent[],
): Promise<void> {
  for (let from = 0; from < events.length; from += BATCH) {
    const batch = events.slice(from, from + BATCH);
    const response = await postEvents(db.env, user.token, { events: batch });
    assert.equal(
      response.status,
      201,
      `the function stored the events: ${JSON.stringify(response.body)}`,
    );
  }
}

/**
 * `count` jobs named `<name> 001` (the newest) to `<name> 201` (the oldest), a minute apart, so
 * that the dashboard's order, newest first, is their numbering. Returns their ids in that order.
 */
export async function createJobs(
  db: Fixtures,
  userId: string,
  count: number,
  name: string,
): Promise<string[]> {
  const rows = await db.sql`
    insert into public.jobs (user_id, name, created_at)
    select ${userId}, ${name} || ' ' || lpad(i::text, 3, '0'), now() - make_interval(mins => i)
    from generate_series(1, ${count}) as i
    returning id, name`;
  return rows.toSorted((a, b) => (a.name < b.name ? -1 : 1)).map((row) => row.id as string);
}
