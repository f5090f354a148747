begin;
select plan(9);

-- setup: alice's job runs one stage per case, with events at known instants
select tests.create_user('alice');
insert into public.jobs (id, user_id) values ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'));
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
select tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', e.event, e.stage, '2026-01-01T00:00:00Z'::timestamptz + e.second * interval '1 second'
from (
    values
        -- restarted: ran, completed, started again and still running
        ('stage_started', 'restarted', 0),
        ('stage_completed', 'restarted', 2),
        ('stage_started', 'restarted', 3),
        -- failed: time to failure
        ('stage_started', 'failed', 0),
        ('stage_failed', 'failed', 4),
        -- tie: a completion and a failure at one instant
        ('stage_started', 'tie', 0),
        ('stage_completed', 'tie', 1),
        ('stage_failed', 'tie', 1),
        -- backwards: the completion is timestamped 3 s before the start
        ('stage_started', 'backwards', 5),
        ('stage_completed', 'backwards', 2),
        -- ends only: no run began
        ('stage_completed', 'ends_only', 1),
        -- first end counts: completions at 1 s and 5 s after one start
        ('stage_started', 'first_end', 0),
        ('stage_completed', 'first_end', 1),
        ('stage_completed', 'first_end', 5),
        -- retried: ends of the first run come before the latest start
        ('stage_started', 'retried', 0),
        ('stage_completed', 'retried', 5),
        ('stage_started', 'retried', 10),
        ('stage_completed', 'retried', 12)
) as e (event, stage, second);

-- owner: each stage's latest run as alice reads it
select tests.authenticate_as('alice');
select results_eq(
    $$ select status, attempts, started_at, ended_at, completed_at, latency_ms from public.job_stage_latency where stage = 'restarted' $$,
    $$ values ('running'::text, 2, '2026-01-01T00:00:03Z'::timestamptz, null::timestamptz, null::timestamptz, null::double precision) $$,
    'a restarted stage that is running again is running, with two attempts and no latency'
);
select results_eq(
    $$ select status, ended_at, completed_at, latency_ms from public.job_stage_latency where stage = 'failed' $$,
    $$ values ('failed'::text, '2026-01-01T00:00:04Z'::timestamptz, null::timestamptz, 4000::double precision) $$,
    'a failed stage is failed, has no completion, and its latency is the time to failure'
);
select results_eq(
    $$ select status, latency_ms from public.job_stage_latency where stage = 'tie' $$,
    $$ values ('failed'::text, 1000::double precision) $$,
    'a completion and a failure at the same instant make the run failed'
);
select results_eq(
    $$ select status, latency_ms from public.job_stage_latency where stage = 'backwards' $$,
    $$ values ('running'::text, null::double precision) $$,
    'a completion timestamped before its start does not end the run and is no latency'
);
select is_empty(
    $$ select 1 from public.job_stage_latency where stage = 'ends_only' $$,
    'a stage with ends and no start has no row'
);
select results_eq(
    $$ select status, latency_ms from public.job_stage_latency where stage = 'first_end' $$,
    $$ values ('completed'::text, 1000::double precision) $$,
    'the run ends at its first end at or after its start'
);
select results_eq(
    $$ select status, attempts, first_started_at, started_at, latency_ms from public.job_stage_latency where stage = 'retried' $$,
    $$ values ('completed'::text, 2, '2026-01-01T00:00:00Z'::timestamptz, '2026-01-01T00:00:10Z'::timestamptz, 2000::double precision) $$,
    'a retried stage reports its latest run, its first start and both attempts'
);
select is_empty(
    $$ select 1 from public.job_stage_latency where latency_ms < 0 $$,
    'no latency is negative'
);
select results_eq(
    $$
        select stage, completed_count, failed_count, running_count
        from public.stage_latency_summary
        where stage in ('backwards', 'failed', 'restarted', 'tie')
        order by stage
    $$,
    $$
        values
            ('backwards'::text, 0::bigint, 0::bigint, 1::bigint),
            ('failed'::text, 0::bigint, 1::bigint, 0::bigint),
            ('restarted'::text, 0::bigint, 0::bigint, 1::bigint),
            ('tie'::text, 0::bigint, 1::bigint, 0::bigint)
    $$,
    'the summary counts failed and running runs apart and keeps them out of the completed runs'
);

select * from finish();
rollback;
