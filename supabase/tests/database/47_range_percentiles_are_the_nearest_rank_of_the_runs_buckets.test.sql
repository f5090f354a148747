begin;
select plan(7);

-- setup: alice has 600 jobs whose five stages ended over six UTC days, with latencies from 1 ms to
-- 100 s (log-uniform, so every percentile lands in a different block of buckets), one run in ten
-- failed, a few ending the instant they start; one statement per job, as a worker would send them
select tests.create_user('alice');
select setseed(0.47);
insert into public.jobs (id, user_id)
select gen_random_uuid(), tests.get_user_id('alice')
from generate_series(1, 600);
create temporary table runs on commit drop as
select
    j.id as job_id,
    s.stage,
    '2026-03-01T00:00:00Z'::timestamptz + random() * interval '6 days' as started_at,
    case when random() < 0.02 then 0 else pg_catalog.power(10, random() * 5) end as took_ms,
    random() < 0.1 as failed
from public.jobs as j
cross join unnest(array['extract', 'transform', 'load', 'publish', 'notify']) as s (stage)
where j.user_id = tests.get_user_id('alice');
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
select tests.get_user_id('alice'), r.job_id, e.event, r.stage, e.at
from runs as r
cross join lateral (
    values
        ('stage_started', r.started_at),
        (case when r.failed then 'stage_failed' else 'stage_completed' end,
            r.started_at + r.took_ms * interval '1 millisecond')
) as e (event, at);

-- The figures computed straight from each run's bucket: counts, and the nearest rank (as
-- percentile_disc) of the completed runs' buckets, for the runs that ended in [since, until).
create function pg_temp.expected(since timestamptz, until timestamptz)
returns table (day date, stage text, completed_count bigint, failed_count bigint, p50_ms double precision, p95_ms double precision)
language sql as $$
    select
        s.run_day,
        s.stage,
        count(*) filter (where s.status = 'completed'),
        count(*) filter (where s.status = 'failed'),
        rollups.bucket_latency_ms(percentile_disc(0.5) within group (order by s.run_bucket) filter (where s.status = 'completed')),
        rollups.bucket_latency_ms(percentile_disc(0.95) within group (order by s.run_bucket) filter (where s.status = 'completed'))
    from rollups.job_stages as s
    where s.ended_at >= since
        and s.ended_at < until
    group by grouping sets ((s.run_day, s.stage), (s.stage))
$$;

-- owner: alice reads ranges and trends; every histogram read must equal the direct computation
select tests.authenticate_as('alice');
select results_eq(
    $$ select * from public.stage_latency_in_range('2026-03-02T00:00:00Z', '2026-03-06T00:00:00Z') $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected('2026-03-02T00:00:00Z', '2026-03-06T00:00:00Z') where day is null order by stage $$,
    'four whole days: the ranked blocks and the opened ones give the nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_in_range('2026-03-01T07:13:00Z', '2026-03-05T19:41:00Z') $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected('2026-03-01T07:13:00Z', '2026-03-05T19:41:00Z') where day is null order by stage $$,
    'whole days and partial edge days together give the nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_in_range('2026-03-03T05:00:00Z', '2026-03-04T05:00:00Z') $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected('2026-03-03T05:00:00Z', '2026-03-04T05:00:00Z') where day is null order by stage $$,
    'a 24 h range across midnight, made of edges only, gives the nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_in_range('2026-03-04T01:00:00Z', '2026-03-04T02:00:00Z') $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected('2026-03-04T01:00:00Z', '2026-03-04T02:00:00Z') where day is null order by stage $$,
    'an hour inside one day gives the nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_trend('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z') $$,
    $$ select * from pg_temp.expected('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z') where day is not null order by day, stage $$,
    'a trend of whole days gives each day''s nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_trend('2026-03-01T16:30:00Z', '2026-03-06T08:15:00Z') $$,
    $$ select * from pg_temp.expected('2026-03-01T16:30:00Z', '2026-03-06T08:15:00Z') where day is not null order by day, stage $$,
    'a trend with partial first and last days gives each day''s nearest rank of the runs'' buckets'
);
-- Guards the test itself: the percentiles above must spread over many blocks, or a wrong block
-- choice could not show.
select cmp_ok(
    (select count(distinct pg_catalog.floor(pg_catalog.ln(greatest(p50_ms, 1)) / pg_catalog.ln(1.02) / 16))
     from public.stage_latency_trend('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z')),
    '>=', 3::bigint,
    'the daily p50s fall in at least three different blocks'
);

select * from finish();
rollback;
