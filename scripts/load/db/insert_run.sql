-- One timed run: inserts :rows events for user :uid in statements of :batch rows, as the
-- function's batches arrive; one event in :stage_every is a stage event (starts and completions
-- over the user's own jobs and five stages), the others page views. As role :role
-- (authenticated, through the insert policy; or service_role, which bypasses RLS), with the
-- rollup trigger on or off (:rollups_off), then rolls back. Prints the inserts' duration in ms.
-- psql variables: role, uid, rows, batch, stage_every, rollups_off (true or false).
begin;

\if :rollups_off
alter table public.analytics_events disable trigger roll_up_stage_events;
\endif

select
    set_config('request.jwt.claims', json_build_object('sub', :'uid', 'role', :'role')::text, true),
    set_config('bench.uid', :'uid', true),
    set_config('bench.rows', :'rows', true),
    set_config('bench.batch', :'batch', true),
    set_config('bench.stage_every', :'stage_every', true)
\gset
set local role :role;

select clock_timestamp() as t0 \gset
do $$
declare
    bench_user uuid := current_setting('bench.uid')::uuid;
    total integer := current_setting('bench.rows')::integer;
    batch integer := current_setting('bench.batch')::integer;
    stage_every integer := current_setting('bench.stage_every')::integer;
    job_ids uuid[];
begin
    select array_agg(j.id order by j.id) into job_ids from public.jobs as j where j.user_id = bench_user;
    for first_row in 0 .. total - 1 by batch loop
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
        from generate_series(first_row, least(first_row + batch, total) - 1) as g;
    end loop;
end;
$$;
select round((extract(epoch from clock_timestamp() - :'t0'::timestamptz) * 1000)::numeric, 1) as ms \gset

rollback;
\echo :ms
