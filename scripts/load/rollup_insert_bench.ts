/**
 * The rollup trigger's cost on inserts, with no DDL between the arms: two twin databases, one with
 * the trigger `roll_up_stage_events` and one without it, each insert statement sent to them in
 * turn (on, off, off, on, ...), so that both share whatever else the machine is doing. Toggling the
 * trigger with `alter table` between statements would instead make every statement after a toggle
 * re-plan the trigger's statement, a cost no production insert pays.
 *
 * Each statement stores `--batch` events for the bench user as `authenticated` (through the insert
 * policy and the ingest limiter), one event in `--stage-every` a stage event (a start or a
 * completion over the user's jobs and five stages), the others page views; it is timed in the
 * server, and all of an arm's statements run in one transaction that is rolled back. Prints one
 * line per arm: `arm statements p10 p50 mean` in milliseconds per statement.
 *
 * `scripts/bench-db --rollups` runs it (scripts/lib/bench_rollups.sh); by hand:
 *
 * ```sh
 * tools/node_modules/deno/deno run --allow-net=127.0.0.1 --allow-env --allow-read \
 *   scripts/load/rollup_insert_bench.ts --on <db url> --off <db url> --user <uuid>
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { quantile } from "./workload.ts";

const { values: args } = parseArgs({
  options: {
    on: { type: "string" },
    off: { type: "string" },
    user: { type: "string" },
    statements: { type: "string", default: "400" },
    batch: { type: "string", default: "100" },
    "stage-every": { type: "string", default: "5" },
  },
});
if (!args.on || !args.off || !args.user) {
  console.error("usage: rollup_insert_bench.ts --on <db url> --off <db url> --user <uuid>");
  Deno.exit(2);
}
const statements = Number(args.statements);
const batch = Number(args.batch);
const stageEvery = Number(args["stage-every"]);

// The statement, as a function of the connection's own, so that its plan is cached once per
// session and the timing covers the insert and its triggers only.
const TIMED_INSERT = `
create function pg_temp.timed_insert(bench_user uuid, n integer, batch integer, stage_every integer)
returns double precision
language plpgsql
as $$
declare
    job_ids uuid[];
    started timestamptz;
begin
    select array_agg(j.id order by j.id) into job_ids from public.jobs as j where j.user_id = bench_user;
    set local role authenticated;
    started := clock_timestamp();
    insert into public.analytics_events (user_id, job_id, event, stage, properties, occurred_at)
    select
        bench_user,
        case when g % stage_every = 0 then job_ids[1 + (g / stage_every / 10) % cardinality(job_ids)] end,
        case
            when g % stage_every <> 0 then 'page_view'
            when (g / stage_every) % 2 = 0 then 'stage_started'
            else 'stage_completed'
        end,
        case when g % stage_every = 0 then 'stage_' || (g / stage_every / 2) % 5 end,
        jsonb_build_object('i', g),
        now() + g * interval '1 millisecond'
    from generate_series(n * batch, (n + 1) * batch - 1) as g;
    return pg_catalog.date_part('epoch', clock_timestamp() - started) * 1000;
end;
$$`;

async function openArm(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const session = await sql.reserve();
  await session.unsafe(TIMED_INSERT);
  await session`begin`;
  const claims = JSON.stringify({ sub: args.user, role: "authenticated" });
  await session`select set_config('request.jwt.claims', ${claims}, true)`;
  return { sql, session, samples: [] as number[] };
}

const arms = { on: await openArm(args.on), off: await openArm(args.off) };
try {
  for (let n = 0; n < statements; n++) {
    // on, off, off, on, on, off, ...: neither arm always runs first
    const first = (Math.floor(n / 2) + n) % 2 === 0 ? "on" : "off";
    const arm = arms[first];
    const [row] = await arm.session`
      select pg_temp.timed_insert(${args.user}::uuid, ${n}, ${batch}, ${stageEvery}) as ms`;
    arm.samples.push(Number(row.ms));
  }
} finally {
  for (const arm of Object.values(arms)) {
    await arm.session`rollback`.catch(() => {});
    arm.session.release();
    await arm.sql.end();
  }
}

for (const [name, arm] of Object.entries(arms)) {
  const mean = arm.samples.reduce((a, b) => a + b, 0) / arm.samples.length;
  console.log(
    [name, arm.samples.length, quantile(arm.samples, 0.1), quantile(arm.samples, 0.5), mean]
      .map((v) => typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : String(v))
      .join(" "),
  );
}
