begin;
select plan(5);

-- setup: alice and bob, each with a job and events written by a worker
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');
insert into public.analytics_events (user_id, job_id, event)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'alice_event'),
    (tests.get_user_id('alice'), null, 'alice_other_event'),
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'bob_event');

-- owner: alice
select tests.authenticate_as('alice');
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['alice_event', 'alice_other_event'],
    'alice reads exactly her own events'
);

-- stranger: alice looks for bob's data
select is_empty(
    format($$ select id from public.analytics_events where user_id = %L $$, tests.get_user_id('bob')),
    'alice cannot read bob''s events by his user id'
);
select is_empty(
    $$ select id from public.analytics_events where job_id = 'b2b2b2b2-0000-4000-8000-000000000001' $$,
    'alice cannot read events of bob''s job'
);

-- owner: bob
select tests.authenticate_as('bob');
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['bob_event'],
    'bob reads exactly his own events'
);
select is_empty(
    $$ select id from public.analytics_events where job_id = 'a1a1a1a1-0000-4000-8000-000000000001' $$,
    'bob cannot read events of alice''s job'
);

select * from finish();
rollback;
