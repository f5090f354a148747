begin;
select plan(8);

-- setup: alice with three jobs and bob with one, with stage events at known times
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job 1'),
    ('a1a1a1a1-0000-4000-8000-000000000002', tests.get_user_id('alice'), 'alice job 2'),
    ('a1a1a1a1-0000-4000-8000-000000000003', tests.get_user_id('alice'), 'alice job 3'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
values
    -- job 1: extract takes 100 ms, load 2000 ms
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2026-01-01T00:00:00.100Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'load', '2026-01-01T00:00:01.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'load', '2026-01-01T00:00:03.000Z'),
    -- job 2: extract retried; the latest run starts at 50 ms and its first completion is at 200 ms
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_started', 'extract', '2026-01-01T00:00:00.050Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_completed', 'extract', '2026-01-01T00:00:00.200Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_completed', 'extract', '2026-01-01T00:00:00.300Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_progress', 'extract', '2026-01-01T00:00:10.000Z'),
    -- job 3: extract takes 1000 ms, load has started but not completed
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000003', 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000003', 'stage_completed', 'extract', '2026-01-01T00:00:01.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000003', 'stage_started', 'load', '2026-01-01T00:00:02.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000003', 'stage_completed', null, '2026-01-01T00:00:05.000Z'),
    -- no job: not part of any job's latency
    (tests.get_user_id('alice'), null, 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    -- bob's job: extract takes 5000 ms
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2026-01-01T00:00:05.000Z');

-- owner: alice reads her dashboards
select tests.authenticate_as('alice');
select results_eq(
    $$
        select job_id, stage, started_at, completed_at, latency_ms, status, attempts, first_started_at
        from public.job_stage_latency
        order by job_id, stage
    $$,
    $$
        values
            ('a1a1a1a1-0000-4000-8000-000000000001'::uuid, 'extract'::text, '2026-01-01T00:00:00.000Z'::timestamptz, '2026-01-01T00:00:00.100Z'::timestamptz, 100::double precision, 'completed'::text, 1, '2026-01-01T00:00:00.000Z'::timestamptz),
            ('a1a1a1a1-0000-4000-8000-000000000001'::uuid, 'load'::text, '2026-01-01T00:00:01.000Z'::timestamptz, '2026-01-01T00:00:03.000Z'::timestamptz, 2000::double precision, 'completed'::text, 1, '2026-01-01T00:00:01.000Z'::timestamptz),
            ('a1a1a1a1-0000-4000-8000-000000000002'::uuid, 'extract'::text, '2026-01-01T00:00:00.050Z'::timestamptz, '2026-01-01T00:00:00.200Z'::timestamptz, 150::double precision, 'completed'::text, 2, '2026-01-01T00:00:00.000Z'::timestamptz),
            ('a1a1a1a1-0000-4000-8000-000000000003'::uuid, 'extract'::text, '2026-01-01T00:00:00.000Z'::timestamptz, '2026-01-01T00:00:01.000Z'::timestamptz, 1000::double precision, 'completed'::text, 1, '2026-01-01T00:00:00.000Z'::timestamptz),
            ('a1a1a1a1-0000-4000-8000-000000000003'::uuid, 'load'::text, '2026-01-01T00:00:02.000Z'::timestamptz, null::timestamptz, null::double precision, 'running'::text, 1, '2026-01-01T00:00:02.000Z'::timestamptz)
    $$,
    'job_stage_latency shows one row per job and stage: its latest run, status and attempts'
);
select is_empty(
    format($$ select job_id from public.job_stage_latency where user_id <> %L $$, tests.get_user_id('alice')),
    'alice sees no other user''s job in job_stage_latency'
);
select results_eq(
    $$
        select stage, completed_count, abs(p50_ms / 150 - 1) <= 0.01, abs(p95_ms / 1000 - 1) <= 0.01, running_count
        from public.stage_latency_summary
        where stage = 'extract'
        union all
        select stage, completed_count, abs(p50_ms / 2000 - 1) <= 0.01, abs(p95_ms / 2000 - 1) <= 0.01, running_count
        from public.stage_latency_summary
        where stage = 'load'
    $$,
    $$
        values
            ('extract'::text, 3::bigint, true, true, 0::bigint),
            ('load'::text, 1::bigint, true, true, 1::bigint)
    $$,
    'stage_latency_summary counts completed and running runs, with p50 and p95 by nearest rank within 1% (extract: 100, 150, 1000 ms)'
);
select is_empty(
    format($$ select stage from public.stage_latency_summary where user_id <> %L $$, tests.get_user_id('alice')),
    'alice sees no other user''s stages in stage_latency_summary'
);

-- owner: bob reads his
select tests.authenticate_as('bob');
select results_eq(
    $$ select job_id, stage, latency_ms from public.job_stage_latency $$,
    $$ values ('b2b2b2b2-0000-4000-8000-000000000001'::uuid, 'extract'::text, 5000::double precision) $$,
    'bob sees only his own job in job_stage_latency'
);
select results_eq(
    $$
        select stage, completed_count, abs(p50_ms / 5000 - 1) <= 0.01, abs(p95_ms / 5000 - 1) <= 0.01
        from public.stage_latency_summary
    $$,
    $$ values ('extract'::text, 1::bigint, true, true) $$,
    'bob''s summary is computed from his runs alone'
);

-- service role: workers see every user
select tests.authenticate_as_service_role();
select is(
    (
        select count(*)::integer
        from public.job_stage_latency
        where user_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
    ),
    6,
    'the service role sees every user''s job stages'
);
select is(
    (
        select count(*)::integer
        from public.stage_latency_summary
        where user_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
    ),
    3,
    'the service role sees every user''s stage summaries'
);

select * from finish();
rollback;
