-- A missing job and someone else's job must be indistinguishable, so the API offers no oracle
-- telling a caller which job ids exist.
begin;
select plan(5);

-- setup: alice and bob, bob with a job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');

-- stranger: alice tries bob's job, then a job that does not exist
select tests.authenticate_as('alice');
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event)
        values ('b2b2b2b2-0000-4000-8000-000000000001', 'stage_started')
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'another user''s job is refused with 42501 and the RLS message'
);
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event)
        values ('dddddddd-0000-4000-8000-000000000404', 'stage_started')
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'a job that does not exist is refused with the same code and message'
);
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values ('b2b2b2b2-0000-4000-8000-000000000001', gen_random_uuid(), 'stage_started', null, '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'the function''s upsert refuses another user''s job with 42501'
);
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values ('dddddddd-0000-4000-8000-000000000404', gen_random_uuid(), 'stage_started', null, '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'the function''s upsert refuses a missing job the same way, not with a foreign key error'
);
select is_empty(
    $$ select id from public.analytics_events $$,
    'alice has no stored events after both refusals'
);

select * from finish();
rollback;
