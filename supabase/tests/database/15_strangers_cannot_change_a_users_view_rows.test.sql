begin;
select plan(7);

-- Constraints are checked in the partition a row lands in, and its name is in the message: events
-- with default ids land in this week's partition.
select 'events_w' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD') as week_partition \gset

-- setup: alice and bob, each with a job; alice's extract took 100 ms
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');
insert into public.analytics_events (user_id, job_id, event_id, event, stage, occurred_at)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'stage_completed', 'extract', '2026-01-01T00:00:00.100Z');

-- stranger: bob tries to skew alice's latency
select tests.authenticate_as('bob');
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event, stage, occurred_at)
        values ('a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2030-01-01T00:00:00Z')
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'bob cannot add a completion to alice''s job'
);
select throws_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
            values (%L, 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '2000-01-01T00:00:00Z')
        $$,
        tests.get_user_id('alice')
    ),
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'bob cannot add a start to alice''s job in her name'
);
select lives_ok(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, occurred_at)
        values
            ('b2b2b2b2-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T00:00:00Z'),
            ('b2b2b2b2-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'stage_completed', 'extract', '2026-01-01T01:00:00Z')
    $$,
    'bob can reuse alice''s event ids for his own job'
);
select is(
    (
        select count(*)::integer
        from public.analytics_events
        where event_id in ('e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002')
    ),
    2,
    'bob sees only his own two events with those ids'
);

-- service role: a worker cannot attach bob's event to alice's job either
select tests.authenticate_as_service_role();
select throws_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
            values (%L, 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2030-01-01T00:00:00Z')
        $$,
        tests.get_user_id('bob')
    ),
    '23503',
    format('insert or update on table "%s" violates foreign key constraint "analytics_events_job_id_user_id_fkey"', :'week_partition'),
    'a worker cannot attach bob''s event to alice''s job'
);

-- owner: alice's view rows are exactly as before
select tests.authenticate_as('alice');
select results_eq(
    $$ select job_id, stage, started_at, completed_at, latency_ms from public.job_stage_latency $$,
    $$
        values (
            'a1a1a1a1-0000-4000-8000-000000000001'::uuid,
            'extract'::text,
            '2026-01-01T00:00:00.000Z'::timestamptz,
            '2026-01-01T00:00:00.100Z'::timestamptz,
            100::double precision
        )
    $$,
    'alice''s job_stage_latency is unchanged by bob''s attempts'
);
select results_eq(
    $$
        select stage, completed_count, abs(p50_ms - 100) <= 1, abs(p95_ms - 100) <= 1
        from public.stage_latency_summary
    $$,
    $$ values ('extract'::text, 1::bigint, true, true) $$,
    'alice''s stage_latency_summary is unchanged by bob''s attempts'
);

select * from finish();
rollback;
