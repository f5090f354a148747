/**
 * The rollup trigger's cost on inserts, with no DDL between the arms: two twin databases, one with
 * the trigger `roll_up_stage_events` and one without it, each insert statement sent to both in
 * rounds whose order rotates and turns around (on off, off on, off on, on off, ...), so that both
 * share whatever else the machine is doing. Toggling the trigger with `alter table` between
 * statements would instead make every statement after a toggle re-plan the trigger's statement, a
 * cost no production insert pays.
 *
 * Each statement stores `--batch` events for the bench user as `authenticated` (through the insert
 * policy and the ingest limiter) in its own transaction, as each request of the function does: one
 * event in `--stage-every` is a stage event, the others page views. Stage events are as a pipeline
 * sends them: a stage starts in one statement and completes in the next, with latencies spread from
 * 1 ms to 10 minutes, so that each completion moves its run into another histogram bucket. (Runs that
 * start and complete in one statement, all with one latency, would leave the histograms unchanged
 * and flatter the trigger; one transaction for all statements would make every histogram row a
 * chain of versions no vacuum may prune, and wrong the other way.)
 *
 * With `--floor`, a third twin gets the same statements in the same rounds: its trigger only writes
 * what any rollup kept in the insert's own statement must write, as barely as it can be done
 * (scripts/load/db/rollup_write_floor.sql), so a run shows what share of the trigger's cost no
 * other in-statement design could save.
 *
 * Each statement is timed twice: in the server (the insert and its triggers) and by the client (the
 * round trip, commit included: what a request waits for). Prints one line per arm and timing:
 * `arm timing statements p10 p50 mean` in milliseconds per statement.
 *
 * `scripts/bench-db --rollups` runs it (scripts/lib/bench_rollups.sh); by hand:
 *
 * ```sh
 * tools/node_modules/deno/deno run --allow-net=127.0.0.1 --allow-env --allow-read \
 *   scripts/load/rollup_insert_bench.ts --on <db url> --off <db url> [--floor <db url>] --user <uuid>
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { roundOrder, timingLine } from "./workload.ts";

const { values: args } = parseArgs({
  options: {
    on: { type: "string" },
    off: { type: "string" },
    floor: { type: "string" },
    user: { type: "string" },
    statements: { type: "string", default: "400" },
    batch: { type: "string", default: "100" },
    "stage-every": { type: "string", default: "5" },
  },
});
if (!args.on || !args.off || !args.user) {
  console.error(
    "usage: rollup_insert_bench.ts --on <db url> --off <db url> [--floor <db url>] --user <uuid>",
  );
  Deno.exit(2);
}
const statements = Number(args.statements);
const batch = Number(args.batch);
const stageEvery = Number(args["stage-every"]);

// The statement, as a function of the connection's own, so that its plan is cached once per
// session and the server's timing covers the insert and its triggers only. Statement n holds stage
// events serial n * per .. (n + 1) * per - 1 (per = batch / stage_every): even serials start pair
// serial / 2, odd ones complete the pair started one statement earlier. A pair is one run of a job's
// stage: jobs in turn, the stage changing each time the jobs come round again.
const TIMED_INSERT = `
create function pg_temp.timed_insert(bench_user uuid, n integer, batch integer, stage_every integer)
returns double precision
language plpgsql
as $$
declare
    job_ids uuid[];
    lag integer := batch / stage_every / 2;
    started timestamptz;
begin
    select array_agg(j.id order by j.id) into job_ids from public.jobs as j where j.user_id = bench_user;
    perform pg_catalog.set_config(
        'request.jwt.claims', pg_catalog.json_build_object('sub', bench_user, 'role', 'authenticated')::text, true);
    set local role authenticated;
    started := clock_timestamp();
    insert into public.analytics_events (user_id, job_id, event, stage, properties, occurred_at)
    select
        bench_user,
        case when s.pair is not null then job_ids[1 + s.pair % cardinality(job_ids)] end,
        case when s.pair is null then 'page_view' when s.serial % 2 = 0 then 'stage_started' else 'stage_completed' end,
        case when s.pair is not null then 'stage_' || (s.pair / cardinality(job_ids)) % 5 end,
        jsonb_build_object('i', g),
        -- a completion's latency: 1 ms to 10 min, log-spread over the serials
        now() + case when s.serial % 2 = 1 then pg_catalog.exp(pg_catalog.ln(600000) * ((s.serial::bigint * 7919) % 1000) / 1000.0) else 0 end
            * interval '1 millisecond'
    from generate_series(n * batch, (n + 1) * batch - 1) as g,
        lateral (select g / stage_every as serial) as k,
        lateral (
            select k.serial,
                case
                    when g % stage_every <> 0 then null
                    when k.serial % 2 = 0 then k.serial / 2
                    when k.serial / 2 - lag >= 0 then k.serial / 2 - lag
                end as pair
        ) as s;
    return pg_catalog.date_part('epoch', clock_timestamp() - started) * 1000;
end;
$$`;

async function openArm(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const session = await sql.reserve();
  await session.unsafe(TIMED_INSERT);
  return { sql, session, server: [] as number[], roundTrip: [] as number[] };
}

const arms: Record<string, Awaited<ReturnType<typeof openArm>>> = {
  on: await openArm(args.on),
  off: await openArm(args.off),
};
if (args.floor) arms.floor = await openArm(args.floor);
const names = Object.keys(arms);
try {
  // `statements` in all for on and off; the floor, when given, gets as many as each of them
  for (let round = 0; round < statements / 2; round++) {
    // each round sends the next statement to every arm
    for (const name of roundOrder(names, round)) {
      const arm = arms[name];
      const sent = performance.now();
      // each arm stores the same statements in the same order: 0, 1, 2, ...
      const [row] = await arm.session`
        select pg_temp.timed_insert(${args.user}::uuid, ${round}, ${batch}, ${stageEvery}) as ms`;
      arm.roundTrip.push(performance.now() - sent);
      arm.server.push(Number(row.ms));
    }
  }
} finally {
  for (const arm of Object.values(arms)) {
    arm.session.release();
    await arm.sql.end();
  }
}

for (const [name, arm] of Object.entries(arms)) {
  console.log(timingLine(name, "server", arm.server));
  console.log(timingLine(name, "round_trip", arm.roundTrip));
}
