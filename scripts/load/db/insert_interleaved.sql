-- The rollup trigger's cost on inserts: :statements insert statements of :batch events each for
-- user :uid, as authenticated (through the insert policy and the ingest limiter), alternating the
-- rollup trigger on and off statement by statement, so that both arms share whatever else the
-- machine is doing. One event in :stage_every is a stage event (starts and completions over the
-- user's own jobs and five stages), the others page views. Rolls back; prints per arm the
-- statements, p10, median and mean milliseconds per statement.
-- psql variables: uid, statements, batch, stage_every.
begin;

select
    set_config('bench.uid', :'uid', true),
    set_config('bench.statements', :'statements', true),
    set_config('bench.batch', :'batch', true),
    set_config('bench.stage_every', :'stage_every', true)
\gset

create temporary table insert_samples (arm text, ms double precision) on commit drop;

do $$
declare
    bench_user uuid := current_setting('bench.uid')::uuid;
    statements integer := current_setting('bench.statements')::integer;
    batch integer := current_setting('bench.batch')::integer;
    stage_every integer := current_setting('bench.stage_every')::integer;
    claims text := json_build_object('sub', bench_user, 'role', 'authenticated')::text;
    job_ids uuid[];
    trigger_on boolean;
    started timestamptz;
    elapsed_ms double precision;
begin
    select array_agg(j.id order by j.id) into job_ids from public.jobs as j where j.user_id = bench_user;
    perform set_config('request.jwt.claims', claims, true);
    for n in 0 .. statements - 1 loop
        -- on, off, off, on, ...: neither arm always runs first
        trigger_on := (n / 2 + n) % 2 = 0;
        if not trigger_on then
            alter table public.analytics_events disable trigger roll_up_stage_events;
        end if;
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
        elapsed_ms := pg_catalog.date_part('epoch', clock_timestamp() - started) * 1000;
        reset role;
        insert into insert_samples values (case when trigger_on then 'on' else 'off' end, elapsed_ms);
        if not trigger_on then
            alter table public.analytics_events enable trigger roll_up_stage_events;
        end if;
    end loop;
end;
$$;

select
    arm,
    count(*) as statements,
    round(percentile_cont(0.1) within group (order by ms)::numeric, 3) as p10_ms,
    round(percentile_cont(0.5) within group (order by ms)::numeric, 3) as p50_ms,
    round(avg(ms)::numeric, 3) as mean_ms
from insert_samples
group by arm
order by arm desc;

rollback;
