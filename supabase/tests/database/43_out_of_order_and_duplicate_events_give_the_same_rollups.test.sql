begin;
select plan(6);

-- setup: alice runs the same stage history on two jobs: in time order in one statement on job 1,
-- and one event per statement in a scrambled order, with resent duplicates, on job 2
select tests.create_user('alice');
insert into public.jobs (id, user_id)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice')),
    ('a1a1a1a1-0000-4000-8000-000000000002', tests.get_user_id('alice'));
create temporary table history (event_id uuid, event text, second integer) on commit drop;
insert into history (event_id, event, second)
values
    ('e0000000-0000-4000-8000-000000000001', 'stage_started', 0),
    ('e0000000-0000-4000-8000-000000000002', 'stage_completed', 5),
    ('e0000000-0000-4000-8000-000000000003', 'stage_started', 10),
    ('e0000000-0000-4000-8000-000000000004', 'stage_failed', 12),
    ('e0000000-0000-4000-8000-000000000005', 'stage_completed', 12),
    ('e0000000-0000-4000-8000-000000000006', 'stage_completed', 20);
insert into public.analytics_events (user_id, job_id, event_id, event, stage, occurred_at)
select tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', h.event_id, h.event, 'extract',
    '2026-01-01T00:00:00Z'::timestamptz + h.second * interval '1 second'
from history as h
order by h.second;

-- Stores one event of the history on job 2, as a client resending it would: duplicates are skipped.
create function pg_temp.send(n integer) returns void language sql as $$
    insert into public.analytics_events (user_id, job_id, event_id, event, stage, occurred_at)
    select tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002',
        -- job 2's ids differ from job 1's in the first digit, so both are stored
        ('f' || substr(h.event_id::text, 2))::uuid, h.event, 'extract',
        '2026-01-01T00:00:00Z'::timestamptz + h.second * interval '1 second'
    from pg_temp.history as h
    where h.event_id = format('e0000000-0000-4000-8000-%s', lpad(n::text, 12, '0'))::uuid
    on conflict (user_id, event_id) do nothing
$$;
-- The start at 10 s arrives after ends on both sides of it: only the raw events can tell its end.
select pg_temp.send(1);
select pg_temp.send(6);
select pg_temp.send(2);
select pg_temp.send(6);
select pg_temp.send(3);
select is(
    (select ended_at from rollups.job_stages where job_id = 'a1a1a1a1-0000-4000-8000-000000000002'),
    '2026-01-01T00:00:20Z'::timestamptz,
    'a start between stored ends takes its end from the raw events: the completion at 20 s'
);
select pg_temp.send(5);
select pg_temp.send(1);
select pg_temp.send(4);
select pg_temp.send(3);

-- postgres: both jobs' rollups agree, and equal a rebuild from the raw events
select is(
    (select count(*)::integer from public.analytics_events where job_id = 'a1a1a1a1-0000-4000-8000-000000000002'),
    6,
    'the resent duplicates were not stored'
);
select results_eq(
    $$
        select attempts, first_started_at, started_at, ended_at, ended_failed, first_end_at, first_end_failed, last_end_at, status
        from rollups.job_stages
        where job_id = 'a1a1a1a1-0000-4000-8000-000000000002'
    $$,
    $$
        select attempts, first_started_at, started_at, ended_at, ended_failed, first_end_at, first_end_failed, last_end_at, status
        from rollups.job_stages
        where job_id = 'a1a1a1a1-0000-4000-8000-000000000001'
    $$,
    'events out of order and resent give the same job stage rollup as in order'
);
select results_eq(
    $$ select status, attempts, latency_ms from public.job_stage_latency where job_id = 'a1a1a1a1-0000-4000-8000-000000000002' $$,
    $$ values ('failed'::text, 2, 2000::double precision) $$,
    'the latest run ends at 12 s, where a failure and a completion tie, so it failed after 2 s'
);
create temporary table trigger_rollups on commit drop as
select 'days' as kind, user_id, stage, day, status, bucket, runs
from rollups.stage_latency_days
where runs <> 0
    and user_id = tests.get_user_id('alice')
union all
select 'totals', user_id, stage, null, status, bucket, runs
from rollups.stage_latency_totals
where runs <> 0
    and user_id = tests.get_user_id('alice');
create temporary table trigger_job_stages on commit drop as
select * from rollups.job_stages where user_id = tests.get_user_id('alice');
create temporary view rebuilt_job_stages as
select * from rollups.job_stages where user_id = tests.get_user_id('alice');
create temporary view rebuilt_rollups as
select 'days' as kind, user_id, stage, day, status, bucket, runs
from rollups.stage_latency_days
where user_id = tests.get_user_id('alice')
union all
select 'totals', user_id, stage, null, status, bucket, runs
from rollups.stage_latency_totals
where user_id = tests.get_user_id('alice');
select rollups.rebuild_stage_rollups(tests.get_user_id('alice'));
select is_empty(
    $$
        (select * from trigger_job_stages except select * from rebuilt_job_stages)
        union all
        (select * from rebuilt_job_stages except select * from trigger_job_stages)
    $$,
    'the job stage rollups equal a rebuild from the raw events'
);
select is_empty(
    $$
        (select * from trigger_rollups except select * from rebuilt_rollups)
        union all
        (select * from rebuilt_rollups except select * from trigger_rollups)
    $$,
    'the histograms equal a rebuild from the raw events'
);

select * from finish();
rollback;
