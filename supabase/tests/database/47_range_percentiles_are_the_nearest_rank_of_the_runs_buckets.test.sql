begin;
select plan(14);

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

-- and 70 more jobs, whose stages ended yesterday (30), today up to now (30), and later today (10,
-- from a clock that runs ahead): a range up to now reads today as its whole histogram less the
-- runs that ended after now, and these must not count
create temporary table recent_jobs on commit drop as
select gen_random_uuid() as job_id, n
from generate_series(1, 70) as n;
insert into public.jobs (id, user_id)
select r.job_id, tests.get_user_id('alice')
from recent_jobs as r;
create temporary table recent_runs on commit drop as
select
    r.job_id,
    s.stage,
    case
        when r.n > 60 then now() + (date_trunc('day', now(), 'UTC') + interval '1 day' - now()) * random()
        when r.n > 30 then date_trunc('day', now(), 'UTC') + (now() - date_trunc('day', now(), 'UTC')) * random()
        else date_trunc('day', now(), 'UTC') - interval '1 day' * random()
    end as ended_at,
    pg_catalog.power(10, random() * 5) as took_ms,
    random() < 0.1 as failed
from recent_jobs as r
cross join unnest(array['extract', 'transform', 'load', 'publish', 'notify']) as s (stage);
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
select tests.get_user_id('alice'), r.job_id, e.event, r.stage, e.at
from recent_runs as r
cross join lateral (
    values
        ('stage_started', r.ended_at - r.took_ms * interval '1 millisecond'),
        (case when r.failed then 'stage_failed' else 'stage_completed' end, r.ended_at)
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
select results_eq(
    $$ select * from public.stage_latency_in_range('2026-03-03T00:30:00Z', '2026-03-03T23:00:00Z') $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected('2026-03-03T00:30:00Z', '2026-03-03T23:00:00Z') where day is null order by stage $$,
    'most of one day, read as its histogram less the runs outside, gives the nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_trend('2026-03-01T03:00:00Z', '2026-03-06T20:00:00Z') $$,
    $$ select * from pg_temp.expected('2026-03-01T03:00:00Z', '2026-03-06T20:00:00Z') where day is not null order by day, stage $$,
    'a trend whose partial days are read whole, less the runs outside, gives each day''s nearest rank'
);
select results_eq(
    $$ select * from public.stage_latency_in_range(now() - interval '30 days', now()) $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected(now() - interval '30 days', now()) where day is null order by stage $$,
    '30 days up to now count today''s runs and none that end after now'
);
select results_eq(
    $$ select * from public.stage_latency_in_range(now() - interval '1 day', now()) $$,
    $$ select stage, completed_count, failed_count, p50_ms, p95_ms from pg_temp.expected(now() - interval '1 day', now()) where day is null order by stage $$,
    '24 h up to now give the nearest rank of the runs'' buckets'
);
select results_eq(
    $$ select * from public.stage_latency_trend(date_trunc('day', now(), 'UTC') - interval '1 day', now()) $$,
    $$ select * from pg_temp.expected(date_trunc('day', now(), 'UTC') - interval '1 day', now()) where day is not null order by day, stage $$,
    'a trend up to now gives today''s figures without the runs that end after now'
);
-- Which side of each partial day is read: the whole day's histogram when the part outside the
-- range, up to now, is the shorter.
select results_eq(
    $$
        select p.* from rollups.range_parts('2026-03-01T07:13:00Z', '2026-03-05T19:41:00Z') as p
        union all
        select p.* from rollups.range_parts('2026-03-01T16:30:00Z', '2026-03-06T08:15:00Z') as p
        union all
        select p.* from rollups.range_parts('2026-03-03T00:30:00Z', '2026-03-03T23:00:00Z') as p
        union all
        select p.* from rollups.range_parts('2026-03-04T01:00:00Z', '2026-03-04T02:00:00Z') as p
        union all
        select p.* from rollups.range_parts('2026-03-02T00:00:00Z', '2026-03-06T00:00:00Z') as p
        union all
        select p.* from rollups.range_parts('2026-03-04T02:00:00Z', '2026-03-04T01:00:00Z') as p
        union all
        select p.* from rollups.range_parts(date_trunc('day', now(), 'UTC') - interval '1 day', now()) as p
    $$,
    $$
        values
            ('2026-03-01'::date, '2026-03-01T07:13:00Z'::timestamptz, '2026-03-02T00:00:00Z'::timestamptz, true),
            ('2026-03-05', '2026-03-05T00:00:00Z', '2026-03-05T19:41:00Z', true),
            ('2026-03-01', '2026-03-01T16:30:00Z', '2026-03-02T00:00:00Z', false),
            ('2026-03-06', '2026-03-06T00:00:00Z', '2026-03-06T08:15:00Z', false),
            ('2026-03-03', '2026-03-03T00:30:00Z', '2026-03-03T23:00:00Z', true),
            ('2026-03-04', '2026-03-04T01:00:00Z', '2026-03-04T02:00:00Z', false),
            ((now() at time zone 'UTC')::date, date_trunc('day', now(), 'UTC'), now(), true)
    $$,
    'a partial day is read whole when its part outside the range, up to now, is the shorter'
);
-- Guards the test itself: the percentiles above must spread over many blocks, or a wrong block
-- choice could not show.
select cmp_ok(
    (select count(distinct pg_catalog.floor(pg_catalog.ln(greatest(p50_ms, 1)) / pg_catalog.ln(1.02) / 32))
     from public.stage_latency_trend('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z')),
    '>=', 3::bigint,
    'the daily p50s fall in at least three different blocks'
);

select cmp_ok(
    (select count(*) from rollups.job_stages where run_day = (now() at time zone 'UTC')::date and ended_at > now()),
    '>=', 10::bigint,
    'runs that end later today are in today''s histogram, for the ranges up to now to take out'
);

select * from finish();
rollback;
