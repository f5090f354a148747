/**
 * Property: whatever order stage events arrive in, split over statements however, resent as
 * duplicates, and written by users or trusted workers, the rollups the insert trigger keeps equal
 * (1) the stage semantics computed from the stored events by an independent oracle, and (2) a
 * rebuild from the raw events (rollups.rebuild_stage_rollups), histograms included. Percentiles
 * from the histograms are within 1% of the exact nearest rank.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type Fixtures, withFixtures } from "../support/fixtures.ts";
import {
  latestRuns,
  nearestRank,
  type StageEvent,
  type StageEventName,
} from "../support/stage_runs_oracle.ts";

const STAGES = ["extract", "load"];
// Near a UTC midnight, so that runs end on both sides of it and ranges have partial days.
const BASE_MS = Date.parse("2026-01-01T23:59:55Z");
const EVENT_NAMES: StageEventName[] = ["stage_started", "stage_completed", "stage_failed"];

const historyArbitrary = fc.array(
  fc.record({
    job: fc.integer({ min: 0, max: 2 }),
    stage: fc.constantFrom(...STAGES),
    event: fc.constantFrom(...EVENT_NAMES),
    // Whole seconds from a small set, so that ties, zero latencies and reorderings are common.
    second: fc.integer({ min: 0, max: 9 }),
  }),
  { minLength: 1, maxLength: 30 },
);

/** How the history is delivered: a permutation, resends, statement sizes and who writes. */
const deliveryArbitrary = (length: number) =>
  fc.record({
    order: fc.shuffledSubarray([...Array(length).keys()], { minLength: length, maxLength: length }),
    resends: fc.array(fc.integer({ min: 0, max: length - 1 }), { maxLength: 8 }),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 40, maxLength: 40 }),
    asWorker: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  });

interface Row {
  event_id: string;
  job_id: string;
  event: string;
  stage: string;
  occurred_at: Date;
}

async function insertChunk(db: Fixtures, userId: string, rows: Row[], asWorker: boolean) {
  await db.sql.begin(async (tx) => {
    const claims = asWorker ? { role: "service_role" } : { sub: userId, role: "authenticated" };
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
      set_config('role', ${asWorker ? "service_role" : "authenticated"}, true)`;
    await tx`
      insert into public.analytics_events (user_id, job_id, event_id, event, stage, occurred_at)
      select ${userId}::uuid, r.job_id, r.event_id, r.event, r.stage, r.occurred_at
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb)
        as r (job_id uuid, event_id uuid, event text, stage text, occurred_at timestamptz)
      on conflict (user_id, event_id) do nothing`;
  });
}

/** Every histogram row with runs, as comparable strings. */
async function histograms(db: Fixtures, userId: string): Promise<string[]> {
  const rows = await db.sql`
    select concat_ws(' ', 'day', stage, day, status, bucket, runs) as row
    from rollups.stage_latency_days
    where user_id = ${userId} and runs <> 0
    union all
    select concat_ws(' ', 'block', stage, day, status, block, runs)
    from rollups.stage_latency_day_blocks
    where user_id = ${userId} and runs <> 0
    union all
    select concat_ws(' ', 'total', stage, status, bucket, runs)
    from rollups.stage_latency_totals
    where user_id = ${userId} and runs <> 0
    order by 1`;
  return rows.map((r) => r.row as string);
}

async function jobStageRows(db: Fixtures, userId: string): Promise<string[]> {
  const rows = await db.sql`
    select concat_ws(' ', job_id, stage, attempts, first_started_at, started_at, ended_at,
      ended_failed, first_end_at, first_end_failed, last_end_at, status) as row
    from rollups.job_stages
    where user_id = ${userId}
    order by 1`;
  return rows.map((r) => r.row as string);
}

function assertWithinOnePercent(actual: number | null, expected: number | null, what: string) {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= 0.01 * expected,
    `${what}: ${actual} is not within 1% of ${expected}`,
  );
}

/** Delivers the history in `streams` connections at once, each its share in its own order. */
function propertyTest(streams: number) {
  return () =>
    withFixtures(async (db) => {
      const user = await db.createUser("rollups");
      const jobs = [
        await db.createJob(user.id),
        await db.createJob(user.id),
        await db.createJob(user.id),
      ];

      await fc.assert(
        fc.asyncProperty(
          historyArbitrary.chain((history) =>
            fc.tuple(fc.constant(history), deliveryArbitrary(history.length))
          ),
          async ([history, delivery]) => {
            // Each run starts from no events: the user's earlier runs would blur what is compared.
            await db.sql`delete from public.analytics_events where user_id = ${user.id}`;
            await db.sql`select rollups.rebuild_stage_rollups(${user.id})`;

            const rows: Row[] = history.map((h) => ({
              event_id: crypto.randomUUID(),
              job_id: jobs[h.job],
              event: h.event,
              stage: h.stage,
              occurred_at: new Date(BASE_MS + h.second * 1000),
            }));
            const sends = [...delivery.order, ...delivery.resends].map((i) => rows[i]);
            // allSettled: a failed stream must not leave the others writing into the next run.
            const delivered = await Promise.allSettled(
              Array.from({ length: streams }, async (_, stream) => {
                const mine = sends.filter((_, i) => i % streams === stream);
                for (let at = 0, n = stream; at < mine.length; n++) {
                  const size = delivery.chunkSizes[n % delivery.chunkSizes.length];
                  const asWorker = delivery.asWorker[n % delivery.asWorker.length];
                  // Concurrent statements that resend the same events in crossing orders
                  // deadlock on the events' unique index itself, trigger or not; with several
                  // streams, each statement's rows go in event_id order, as one lock order.
                  const chunk = mine.slice(at, at + size);
                  if (streams > 1) chunk.sort((a, b) => a.event_id < b.event_id ? -1 : 1);
                  await insertChunk(db, user.id, chunk, asWorker);
                  at += size;
                }
              }),
            );
            for (const result of delivered) {
              if (result.status === "rejected") throw result.reason;
            }

            const stored: StageEvent[] = rows.map((r) => ({
              jobId: r.job_id,
              stage: r.stage,
              event: r.event as StageEventName,
              at: r.occurred_at.getTime(),
            }));
            const expected = latestRuns(stored);

            // 1. the view, against the oracle
            const viewRows = await db.sql`
            select job_id, stage, attempts, first_started_at, started_at, ended_at, status, latency_ms
            from public.job_stage_latency
            where user_id = ${user.id}
            order by job_id, stage`;
            assert.deepEqual(
              viewRows.map((r) => ({
                jobId: r.job_id,
                stage: r.stage,
                attempts: r.attempts,
                firstStartedAt: r.first_started_at.getTime(),
                startedAt: r.started_at.getTime(),
                endedAt: r.ended_at === null ? null : r.ended_at.getTime(),
                status: r.status,
                latencyMs: r.latency_ms,
              })),
              expected,
            );

            // 2. the summary and a range over everything, against the oracle
            const summary = await db.sql`
            select stage, completed_count, failed_count, running_count, p50_ms, p95_ms
            from public.stage_latency_summary
            where user_id = ${user.id}`;
            const ranged = await db.sql.begin(async (tx) => {
              await tx`select set_config('request.jwt.claims', ${
                JSON.stringify({ sub: user.id, role: "authenticated" })
              }, true), set_config('role', 'authenticated', true)`;
              return await tx`
              select stage, completed_count, failed_count, p50_ms, p95_ms
              from public.stage_latency_in_range('2026-01-01T23:59:58Z', '2026-01-02T00:00:07Z')`;
            });
            const trend = await db.sql.begin(async (tx) => {
              await tx`select set_config('request.jwt.claims', ${
                JSON.stringify({ sub: user.id, role: "authenticated" })
              }, true), set_config('role', 'authenticated', true)`;
              return await tx`
              select day::text as day, stage, completed_count, failed_count, p50_ms
              from public.stage_latency_trend('2026-01-01T23:59:58Z', '2026-01-02T00:00:07Z')`;
            });
            for (const stage of STAGES) {
              const runs = expected.filter((r) => r.stage === stage);
              const completed = runs.filter((r) => r.status === "completed").map((r) =>
                r.latencyMs!
              );
              const row = summary.find((s) => s.stage === stage);
              if (runs.length === 0) {
                assert.equal(row, undefined, `no summary row for ${stage}`);
              } else {
                assert.deepEqual(
                  [
                    Number(row!.completed_count),
                    Number(row!.failed_count),
                    Number(row!.running_count),
                  ],
                  [
                    completed.length,
                    runs.filter((r) => r.status === "failed").length,
                    runs.filter((r) => r.status === "running").length,
                  ],
                  `counts of ${stage}`,
                );
                assertWithinOnePercent(row!.p50_ms, nearestRank(completed, 0.5), `p50 of ${stage}`);
                assertWithinOnePercent(
                  row!.p95_ms,
                  nearestRank(completed, 0.95),
                  `p95 of ${stage}`,
                );
              }

              const inRange = runs.filter((r) =>
                r.endedAt !== null && r.endedAt >= BASE_MS + 3000 && r.endedAt < BASE_MS + 12000
              );
              const inRangeCompleted = inRange.filter((r) => r.status === "completed")
                .map((r) => r.latencyMs!);
              const rangeRow = ranged.find((s) => s.stage === stage);
              assert.deepEqual(
                rangeRow
                  ? [Number(rangeRow.completed_count), Number(rangeRow.failed_count)]
                  : [0, 0],
                [inRangeCompleted.length, inRange.length - inRangeCompleted.length],
                `range counts of ${stage}`,
              );
              assertWithinOnePercent(
                rangeRow?.p50_ms ?? null,
                nearestRank(inRangeCompleted, 0.5),
                `range p50 of ${stage}`,
              );
            }

            // 3. the trend over the same range: one row per UTC day and stage with an ended run
            const inRangeRuns = expected.filter((r) =>
              r.endedAt !== null && r.endedAt >= BASE_MS + 3000 && r.endedAt < BASE_MS + 12000
            );
            const expectedTrend = [
              ...new Set(
                inRangeRuns.map((r) =>
                  `${new Date(r.endedAt!).toISOString().slice(0, 10)} ${r.stage}`
                ),
              ),
            ].sort().map((key) => {
              const runs = inRangeRuns.filter((r) =>
                `${new Date(r.endedAt!).toISOString().slice(0, 10)} ${r.stage}` === key
              );
              const completed = runs.filter((r) => r.status === "completed").map((r) =>
                r.latencyMs!
              );
              return { key, counts: [completed.length, runs.length - completed.length], completed };
            });
            assert.deepEqual(
              trend.map((t) => ({
                key: `${t.day} ${t.stage}`,
                counts: [Number(t.completed_count), Number(t.failed_count)],
              })),
              expectedTrend.map(({ key, counts }) => ({ key, counts })),
              "trend rows and counts",
            );
            trend.forEach((t, i) =>
              assertWithinOnePercent(
                t.p50_ms,
                nearestRank(expectedTrend[i].completed, 0.5),
                `trend p50 of ${t.day} ${t.stage}`,
              )
            );

            // 4. the trigger's rollups, against a rebuild from the raw events
            const byTrigger = [await jobStageRows(db, user.id), await histograms(db, user.id)];
            await db.sql`select rollups.rebuild_stage_rollups(${user.id})`;
            assert.deepEqual(byTrigger, [
              await jobStageRows(db, user.id),
              await histograms(db, user.id),
            ]);
          },
        ),
        { numRuns: 200 },
      );
    });
}

Deno.test(
  "stage rollups equal a recomputation from the raw events after random deliveries",
  propertyTest(1),
);

Deno.test(
  "stage rollups equal a recomputation when three connections deliver at once",
  propertyTest(3),
);
