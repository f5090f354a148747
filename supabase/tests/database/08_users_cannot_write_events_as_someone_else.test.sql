begin;
select plan(5);

-- setup: alice and bob, bob with a job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');

-- stranger: alice pretends to be bob
select tests.authenticate_as('alice');
select throws_ok(
    format(
        $$ insert into public.analytics_events (user_id, event) values (%L, 'page_view') $$,
        tests.get_user_id('bob')
    ),
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'a user cannot store an event under another user''s id'
);
select throws_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event)
            values (%L, 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_started')
        $$,
        tests.get_user_id('bob')
    ),
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'a user cannot store an event as the job''s owner either'
);
select throws_ok(
    $$ insert into public.analytics_events (event, received_at) values ('page_view', '2000-01-01') $$,
    '42501',
    'permission denied for table analytics_events',
    'a user cannot backdate received_at, which the server owns'
);

-- owner: bob's events are untouched
select tests.authenticate_as('bob');
select is_empty(
    $$ select id from public.analytics_events $$,
    'bob has no events written in his name'
);

-- service role: nothing was stored at all
select tests.authenticate_as_service_role();
select is(
    (
        select count(*)::integer
        from public.analytics_events
        where user_id in (tests.get_user_id('alice'), tests.get_user_id('bob'))
    ),
    0,
    'no spoofed event reached the table'
);

select * from finish();
rollback;
