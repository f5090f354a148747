begin;
select plan(24);

-- setup: alice has a completed extract
select tests.create_user('alice');
insert into public.jobs (id, user_id) values ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'));
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T10:00:00Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2026-01-01T10:00:01Z');

-- structure: API roles may at most read the rollups, and run none of their writers
select table_privs_are('rollups', 'job_stages', 'authenticated', array['SELECT'], 'authenticated may only select job_stages');
select table_privs_are('rollups', 'stage_latency_days', 'authenticated', array['SELECT'], 'authenticated may only select stage_latency_days');
select table_privs_are('rollups', 'stage_latency_totals', 'authenticated', array['SELECT'], 'authenticated may only select stage_latency_totals');
select table_privs_are('rollups', 'job_stages', 'service_role', array['SELECT'], 'service_role may only select job_stages');
select table_privs_are('rollups', 'stage_latency_days', 'service_role', array['SELECT'], 'service_role may only select stage_latency_days');
select table_privs_are('rollups', 'stage_latency_day_blocks', 'authenticated', array['SELECT'], 'authenticated may only select stage_latency_day_blocks');
select table_privs_are('rollups', 'stage_latency_day_blocks', 'service_role', array['SELECT'], 'service_role may only select stage_latency_day_blocks');
select table_privs_are('rollups', 'stage_latency_totals', 'service_role', array['SELECT'], 'service_role may only select stage_latency_totals');
select schema_privs_are('rollups', 'anon', array[]::text[], 'anon cannot use the rollups schema');
select is_empty(
    $$
        select p.oid::regprocedure
        from pg_catalog.pg_proc as p
        where p.pronamespace = 'rollups'::regnamespace
            and p.provolatile = 'v'
            and (
                pg_catalog.has_function_privilege('anon', p.oid, 'execute')
                or pg_catalog.has_function_privilege('authenticated', p.oid, 'execute')
                or pg_catalog.has_function_privilege('service_role', p.oid, 'execute')
            )
    $$,
    'no API role can run the rollup triggers or the rebuild'
);

-- owner: alice cannot forge, change or erase her own rollups
select tests.authenticate_as('alice');
select throws_ok(
    $$ update rollups.job_stages set ended_at = started_at $$,
    '42501', 'permission denied for table job_stages',
    'alice cannot change her job stage rollup'
);
select throws_ok(
    $$ insert into rollups.job_stages (job_id, user_id, stage) values ('a1a1a1a1-0000-4000-8000-000000000001', (select auth.uid()), 'fake') $$,
    '42501', 'permission denied for table job_stages',
    'alice cannot add a job stage rollup'
);
select throws_ok(
    $$ delete from rollups.job_stages $$,
    '42501', 'permission denied for table job_stages',
    'alice cannot delete her job stage rollups'
);
select throws_ok(
    $$ update rollups.stage_latency_days set runs = 1000 $$,
    '42501', 'permission denied for table stage_latency_days',
    'alice cannot inflate her daily histogram'
);
select throws_ok(
    $$ insert into rollups.stage_latency_days (user_id, stage, day, status, bucket, runs) values ((select auth.uid()), 'extract', '2026-01-02', 'completed', 1, 1) $$,
    '42501', 'permission denied for table stage_latency_days',
    'alice cannot add daily histogram rows'
);
select throws_ok(
    $$ update rollups.stage_latency_day_blocks set runs = 1000 $$,
    '42501', 'permission denied for table stage_latency_day_blocks',
    'alice cannot inflate her daily block totals'
);
select throws_ok(
    $$ update rollups.stage_latency_totals set runs = 1000 $$,
    '42501', 'permission denied for table stage_latency_totals',
    'alice cannot inflate her all-time histogram'
);
select throws_ok(
    $$ delete from rollups.stage_latency_totals $$,
    '42501', 'permission denied for table stage_latency_totals',
    'alice cannot erase her all-time histogram'
);
select throws_ok(
    $$ select rollups.rebuild_stage_rollups() $$,
    '42501', 'permission denied for function rebuild_stage_rollups',
    'alice cannot run the rebuild'
);

-- anonymous: no access at all
select tests.clear_authentication();
select throws_ok(
    $$ select * from rollups.job_stages $$,
    '42501', 'permission denied for schema rollups',
    'anon cannot read job stage rollups'
);
select throws_ok(
    $$ select * from public.stage_latency_in_range('2026-01-01') $$,
    '42501', 'permission denied for function stage_latency_in_range',
    'anon cannot call stage_latency_in_range'
);

-- service role: trusted workers write events, never rollups
select tests.authenticate_as_service_role();
select throws_ok(
    $$ update rollups.job_stages set attempts = 0 $$,
    '42501', 'permission denied for table job_stages',
    'the service role cannot change job stage rollups'
);
select throws_ok(
    $$ truncate rollups.stage_latency_days $$,
    '42501', 'permission denied for table stage_latency_days',
    'the service role cannot truncate the daily histograms'
);

-- postgres: the rollups are as the trigger left them
reset role;
select results_eq(
    format(
        $$
            select s.attempts, s.status, t.sum_runs
            from rollups.job_stages as s
            cross join lateral (
                select sum(h.runs)::integer as sum_runs
                from rollups.stage_latency_totals as h
                where h.user_id = s.user_id
            ) as t
            where s.user_id = %L
        $$,
        tests.get_user_id('alice')
    ),
    $$ values (1, 'completed'::text, 1) $$,
    'no attempt changed the rollups'
);

select * from finish();
rollback;
