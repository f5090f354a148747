begin;
select plan(3);

-- setup: alice and bob, each with a job and an event
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');
insert into public.analytics_events (user_id, job_id, event)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'alice_event'),
    (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001', 'bob_event');

-- the Auth server deletes alice's account
delete from auth.users where id = tests.get_user_id('alice');

-- service role: alice's data is gone, bob's is intact
select tests.authenticate_as_service_role();
select is_empty(
    $$ select id from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000001' $$,
    'deleting a user deletes their jobs'
);
select is_empty(
    $$ select id from public.analytics_events where event = 'alice_event' $$,
    'deleting a user deletes their events'
);
select results_eq(
    $$ select user_id, job_id, event from public.analytics_events where event in ('alice_event', 'bob_event') $$,
    $$ values (tests.get_user_id('bob'), 'b2b2b2b2-0000-4000-8000-000000000001'::uuid, 'bob_event'::text) $$,
    'other users'' jobs and events are untouched'
);

select * from finish();
rollback;
