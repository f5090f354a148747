begin;
select plan(8);

-- setup: alice with a job
select tests.create_user('alice');
insert into public.jobs (id, user_id, name)
values ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job');

-- owner: alice writes events
select tests.authenticate_as('alice');
select lives_ok(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000001', 'page_view')
    $$,
    'a user can insert an event without a job'
);
select lives_ok(
    $$
        insert into public.analytics_events (event_id, job_id, event, stage, properties)
        values ('e0000000-0000-4000-8000-000000000002', 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '{"rows": 3}')
    $$,
    'a user can insert an event for their own job'
);
select results_eq(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values
            ('a1a1a1a1-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000003', 'stage_completed', 'extract', '{}', '2026-01-01T00:00:00Z'),
            (null, 'e0000000-0000-4000-8000-000000000004', 'page_view', null, '{"path": "/"}', '2026-01-01T00:00:01Z')
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    $$
        values
            ('e0000000-0000-4000-8000-000000000003'::uuid),
            ('e0000000-0000-4000-8000-000000000004'::uuid)
    $$,
    'the function''s upsert, as the user, returns every new event_id in order'
);
select results_eq(
    $$
        select event_id, user_id, job_id
        from public.analytics_events
        order by event_id
    $$,
    $$
        values
            ('e0000000-0000-4000-8000-000000000001'::uuid, tests.get_user_id('alice'), null::uuid),
            ('e0000000-0000-4000-8000-000000000002'::uuid, tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001'::uuid),
            ('e0000000-0000-4000-8000-000000000003'::uuid, tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001'::uuid),
            ('e0000000-0000-4000-8000-000000000004'::uuid, tests.get_user_id('alice'), null::uuid)
    $$,
    'user_id defaults to the caller and every event is stored once'
);
select is(
    (select properties from public.analytics_events where event_id = 'e0000000-0000-4000-8000-000000000001'),
    '{}'::jsonb,
    'properties default to an empty object'
);
select ok(
    (select received_at = now() and occurred_at = now() from public.analytics_events where event_id = 'e0000000-0000-4000-8000-000000000001'),
    'received_at and occurred_at default to the time of the insert'
);
select is(
    (select occurred_at from public.analytics_events where event_id = 'e0000000-0000-4000-8000-000000000003'),
    '2026-01-01T00:00:00Z'::timestamptz,
    'a given occurred_at is kept'
);
select lives_ok(
    $$
        insert into public.analytics_events (user_id, event)
        values ((select auth.uid()), 'page_view')
    $$,
    'a user may name themselves explicitly as user_id'
);

select * from finish();
rollback;
