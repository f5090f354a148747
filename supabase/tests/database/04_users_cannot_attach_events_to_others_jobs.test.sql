-- Regression test for the original bug: a signed-in user could store events against another
-- user's job (for example alice sending bob's seeded job id).
begin;
select plan(6);

-- setup: alice and bob, each with a job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');

-- stranger: alice targets bob's job
select tests.authenticate_as('alice');
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event, stage)
        values ('b2b2b2b2-0000-4000-8000-000000000001', 'stage_started', 'extract')
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'a user cannot insert an event for another user''s job'
);
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values ('b2b2b2b2-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'stage_started', 'extract', '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'the function''s upsert is refused the same way for another user''s job'
);
select lives_ok(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000002', 'page_view')
    $$,
    'alice stores an event of her own without a job'
);
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values ('b2b2b2b2-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'stage_started', 'extract', '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'reusing one of her own event ids does not turn the refusal into a silent duplicate'
);

-- owner: bob's job has no events
select tests.authenticate_as('bob');
select is_empty(
    $$ select id from public.analytics_events where job_id = 'b2b2b2b2-0000-4000-8000-000000000001' $$,
    'bob sees no event attached to his job'
);

-- service role: nothing reached the table for bob's job
select tests.authenticate_as_service_role();
select is(
    (select count(*)::integer from public.analytics_events where job_id = 'b2b2b2b2-0000-4000-8000-000000000001'),
    0,
    'no event row is tied to bob''s job'
);

select * from finish();
rollback;
