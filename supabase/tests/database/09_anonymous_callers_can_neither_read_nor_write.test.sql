begin;
select plan(11);

-- setup: alice with a job and an event, so there is something to find
select tests.create_user('alice');
insert into public.jobs (id, user_id, name)
values ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job');
insert into public.analytics_events (user_id, job_id, event, stage)
values (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract');

-- anonymous: the anon key alone
select tests.clear_authentication();
select throws_ok(
    $$ select id from public.analytics_events $$,
    '42501',
    'permission denied for table analytics_events',
    'anon cannot read events'
);
select throws_ok(
    format(
        $$ insert into public.analytics_events (user_id, event) values (%L, 'page_view') $$,
        tests.get_user_id('alice')
    ),
    '42501',
    'permission denied for table analytics_events',
    'anon cannot write events, not even naming a real user'
);
select throws_ok(
    $$ update public.analytics_events set event = 'tampered' $$,
    '42501',
    'permission denied for table analytics_events',
    'anon cannot update events'
);
select throws_ok(
    $$ delete from public.analytics_events $$,
    '42501',
    'permission denied for table analytics_events',
    'anon cannot delete events'
);
select throws_ok(
    $$ select id from public.jobs $$,
    '42501',
    'permission denied for table jobs',
    'anon cannot read jobs'
);
select throws_ok(
    format(
        $$ insert into public.jobs (id, user_id) values (gen_random_uuid(), %L) $$,
        tests.get_user_id('alice')
    ),
    '42501',
    'permission denied for table jobs',
    'anon cannot create jobs'
);
select throws_ok(
    $$ delete from public.jobs $$,
    '42501',
    'permission denied for table jobs',
    'anon cannot delete jobs'
);
select throws_ok(
    $$ select job_id from public.job_stage_latency $$,
    '42501',
    'permission denied for view job_stage_latency',
    'anon cannot read job_stage_latency'
);
select throws_ok(
    $$ select stage from public.stage_latency_summary $$,
    '42501',
    'permission denied for view stage_latency_summary',
    'anon cannot read stage_latency_summary'
);
select throws_ok(
    $$ select nextval('public.analytics_events_id_seq') $$,
    '42501',
    'permission denied for sequence analytics_events_id_seq',
    'anon cannot advance the events identity sequence'
);

-- owner: alice's data is intact
select tests.authenticate_as('alice');
select is(
    (select count(*)::integer from public.analytics_events),
    1,
    'alice still has her one event'
);

select * from finish();
rollback;
