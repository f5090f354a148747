begin;
select plan(3);

-- setup: alice and bob each have a completed extract
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
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2026-01-01T10:00:02Z');
create temporary table bob (id uuid) on commit drop;
insert into bob select tests.get_user_id('bob');

-- postgres: an operator deletes bob's account
delete from auth.users where id = (select id from bob);
select is(
    (select count(*)::integer from rollups.job_stages where user_id = (select id from bob)),
    0,
    'bob''s job stage rollups are gone with him'
);
select is(
    (
        select count(*)::integer
        from (
            select user_id from rollups.stage_latency_days
            union all
            select user_id from rollups.stage_latency_day_blocks
            union all
            select user_id from rollups.stage_latency_totals
        ) as h
        where h.user_id = (select id from bob)
    ),
    0,
    'bob''s histograms are gone with him'
);
select results_eq(
    format($$ select user_id, status, runs::integer from rollups.stage_latency_totals where user_id = %L $$, tests.get_user_id('alice')),
    format($$ values (%L::uuid, 'completed'::text, 1) $$, tests.get_user_id('alice')),
    'alice''s rollups are untouched'
);

select * from finish();
rollback;
