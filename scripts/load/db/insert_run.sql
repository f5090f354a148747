-- One timed run: inserts :rows events for user :uid spread over that user's own jobs, as role
-- :role (authenticated, through the insert policy; or service_role, which bypasses RLS), then rolls
-- back. Prints the insert's duration in milliseconds.
-- psql variables: role, uid, rows.
begin;

select set_config(
    'request.jwt.claims',
    json_build_object('sub', :'uid', 'role', :'role')::text,
    true
) as claims \gset
set local role :role;

select clock_timestamp() as t0 \gset
insert into public.analytics_events (user_id, job_id, event, stage, properties, occurred_at)
select
    :'uid'::uuid,
    j.ids[1 + g % cardinality(j.ids)],
    'bench_insert',
    'stage_' || g % 4,
    jsonb_build_object('i', g),
    now()
from generate_series(1, :rows) as g
cross join (
    select array_agg(id order by id) as ids
    from public.jobs
    where user_id = :'uid'::uuid
) as j;
select round((extract(epoch from clock_timestamp() - :'t0'::timestamptz) * 1000)::numeric, 1) as ms \gset

rollback;
\echo :ms
