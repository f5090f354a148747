-- Loads one chunk of a dashboard workload for the bench users named bench-<prefix>-*: user 1 is
-- the heavy user, with :heavy_jobs jobs and :heavy_filler page views per chunk; every other user
-- gets :typical_jobs jobs and :typical_filler page views. Each job runs five stages one after the
-- other within the last 90 days: 90% complete (20 ms to 5 s), 4% fail, 4% fail and are restarted
-- to completion, 2% are still running. Rows are written in time order within the chunk, so each
-- user's events are spread over the table as in production.
-- psql variables: prefix, chunk, heavy_jobs, heavy_filler, typical_jobs, typical_filler.
begin;

insert into public.jobs (user_id, name, created_at)
select
    u.id,
    format('bench job %s-%s', :'chunk', j),
    now() - interval '90 days' + random() * interval '89 days 23 hours'
from auth.users as u
cross join lateral generate_series(
    1,
    case when (u.raw_user_meta_data ->> 'bench_n')::integer = 1 then :heavy_jobs else :typical_jobs end
) as j
where u.raw_user_meta_data ->> 'bench_prefix' = :'prefix';

insert into public.analytics_events (user_id, job_id, event, stage, properties, occurred_at)
with bench_users as (
    select u.id, (u.raw_user_meta_data ->> 'bench_n')::integer = 1 as heavy
    from auth.users as u
    where u.raw_user_meta_data ->> 'bench_prefix' = :'prefix'
),
stage_runs as materialized (
    select
        j.user_id,
        j.id as job_id,
        s.stage,
        j.created_at + s.position * interval '6 seconds' as started_at,
        (20 + random() * 4980) * interval '1 millisecond' as took,
        random() as outcome
    from public.jobs as j
    join bench_users as u
        on u.id = j.user_id
    cross join unnest(array['extract', 'transform', 'load', 'publish', 'notify'])
        with ordinality as s (stage, position)
    where j.name like format('bench job %s-%%', :'chunk')
),
all_events as (
    select r.user_id, r.job_id, e.event, r.stage, e.occurred_at
    from stage_runs as r
    cross join lateral (
        values
            (1, 'stage_started', r.started_at),
            (2, case when r.outcome >= 0.90 and r.outcome < 0.94 then 'stage_failed' else 'stage_completed' end,
                r.started_at + r.took),
            (3, 'stage_failed', r.started_at + r.took / 3),
            (4, 'stage_started', r.started_at + r.took / 2)
    ) as e (n, event, occurred_at)
    where e.n = 1
        or (e.n = 2 and r.outcome < 0.98)
        or (e.n in (3, 4) and r.outcome >= 0.94 and r.outcome < 0.98)
    union all
    select
        u.id,
        null,
        'page_view',
        null,
        now() - interval '90 days' + random() * interval '90 days'
    from bench_users as u
    cross join lateral generate_series(1, case when u.heavy then :heavy_filler else :typical_filler end)
)
select user_id, job_id, event, stage, jsonb_build_object('path', '/bench'), occurred_at
from all_events
order by occurred_at;

commit;
