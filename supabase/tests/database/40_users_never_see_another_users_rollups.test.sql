begin;
select plan(12);

-- setup: alice and bob each ran an extract stage on their own job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice')),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'));
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T10:00:00Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2026-01-01T10:00:01Z'),
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T10:00:00Z'),
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_failed', 'extract', '2026-01-01T10:00:02Z');

-- structure: PostgREST does not expose the rollups, so they are no endpoint of their own
select ok(
    not coalesce(
        (
            select 'rollups' = any (string_to_array(replace(split_part(setting, '=', 2), ' ', ''), ','))
            from pg_catalog.pg_roles as r
            cross join unnest(r.rolconfig) as setting
            where r.rolname = 'authenticator'
                and setting like 'pgrst.db\_schemas=%'
        ),
        false
    ),
    'PostgREST does not expose the rollups schema'
);
select is_empty(
    $$
        select c.relname
        from pg_catalog.pg_class as c
        where c.relnamespace = 'rollups'::regnamespace
            and c.relkind in ('r', 'p')
            and not c.relrowsecurity
    $$,
    'every rollup table has row-level security enabled'
);

-- owner: alice reads her rollups, directly and through the views and RPCs, and nothing of bob's
select tests.authenticate_as('alice');
select results_eq(
    $$ select job_id, stage, status from rollups.job_stages $$,
    $$ values ('a1a1a1a1-0000-4000-8000-000000000001'::uuid, 'extract'::text, 'completed'::text) $$,
    'alice reads only her own job stage rollup'
);
select results_eq(
    $$ select status, sum(runs)::integer from rollups.stage_latency_days group by status $$,
    $$ values ('completed'::text, 1) $$,
    'alice reads only her own daily histogram rows'
);
select results_eq(
    $$ select status, sum(runs)::integer from rollups.stage_latency_day_blocks group by status $$,
    $$ values ('completed'::text, 1) $$,
    'alice reads only her own daily block totals'
);
select results_eq(
    $$ select status, sum(runs)::integer from rollups.stage_latency_totals group by status $$,
    $$ values ('completed'::text, 1) $$,
    'alice reads only her own all-time histogram rows'
);
select is_empty(
    format($$ select 1 from public.job_stage_latency where user_id <> %L $$, tests.get_user_id('alice')),
    'alice sees no other user''s job stages in job_stage_latency'
);
select results_eq(
    $$ select completed_count, failed_count from public.stage_latency_summary $$,
    $$ values (1::bigint, 0::bigint) $$,
    'alice''s summary counts her completed run and not bob''s failed one'
);
select results_eq(
    $$ select completed_count, failed_count from public.stage_latency_in_range('2026-01-01', '2026-01-02') $$,
    $$ values (1::bigint, 0::bigint) $$,
    'alice''s range counts only her own run'
);
select results_eq(
    $$ select day, completed_count, failed_count from public.stage_latency_trend('2026-01-01', '2026-01-02') $$,
    $$ values ('2026-01-01'::date, 1::bigint, 0::bigint) $$,
    'alice''s trend counts only her own run'
);

-- stranger: bob sees his failed run and nothing of alice's completed one
select tests.authenticate_as('bob');
select results_eq(
    $$ select job_id, status from rollups.job_stages $$,
    $$ values ('b2b2b2b2-0000-4000-8000-000000000001'::uuid, 'failed'::text) $$,
    'bob reads only his own job stage rollup'
);
select results_eq(
    $$ select completed_count, failed_count from public.stage_latency_in_range('2026-01-01', '2026-01-02') $$,
    $$ values (0::bigint, 1::bigint) $$,
    'bob''s range counts only his own failed run'
);

select * from finish();
rollback;
