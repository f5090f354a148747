-- Loads events for the bench users named bench-<prefix>-*: on every job each of four stages
-- starts and completes (20 ms to 5 s later), plus :filler_per_user page views without a job.
-- Rows are written in time order, so each user's events are spread over the whole table as they
-- would be in production, which is the hard case for per-user reads.
-- psql variables: prefix, filler_per_user.
begin;

insert into public.analytics_events (user_id, job_id, event, stage, properties, occurred_at)
with bench_users as (
    select u.id
    from auth.users as u
    where u.raw_user_meta_data ->> 'bench_prefix' = :'prefix'
),
stage_runs as materialized (
    select
        j.user_id,
        j.id as job_id,
        s.stage,
        '2026-01-01T00:00:00Z'::timestamptz + random() * interval '30 days' as started_at,
        (20 + random() * 4980) * interval '1 millisecond' as took
    from public.jobs as j
    join bench_users as u
        on u.id = j.user_id
    cross join unnest(array['extract', 'transform', 'load', 'publish']) as s (stage)
),
all_events as (
    select r.user_id, r.job_id, e.event, r.stage, e.occurred_at
    from stage_runs as r
    cross join lateral (
        values
            ('stage_started', r.started_at),
            ('stage_completed', r.started_at + r.took)
    ) as e (event, occurred_at)
    union all
    select
        u.id,
        null,
        'page_view',
        null,
        '2026-01-01T00:00:00Z'::timestamptz + random() * interval '30 days'
    from bench_users as u
    cross join generate_series(1, :filler_per_user)
)
select user_id, job_id, event, stage, jsonb_build_object('path', '/bench'), occurred_at
from all_events
order by occurred_at;

commit;
