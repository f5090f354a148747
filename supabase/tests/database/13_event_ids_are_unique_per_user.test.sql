begin;
select plan(7);

-- setup: alice and bob
select tests.create_user('alice');
select tests.create_user('bob');

-- owner: alice stores an event
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event_id, event) values ('e0000000-0000-4000-8000-000000000001', 'alice_first') $$,
    'alice stores an event with her chosen event_id'
);

-- stranger: bob reuses alice's event_id
select tests.authenticate_as('bob');
select lives_ok(
    $$ insert into public.analytics_events (event_id, event) values ('e0000000-0000-4000-8000-000000000001', 'bob_first') $$,
    'another user may reuse the same event_id, so nobody can block anyone else''s event'
);

-- owner: alice retries
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event_id, event) values ('e0000000-0000-4000-8000-000000000001', 'alice_retry') $$,
    '23505',
    'duplicate key value violates unique constraint "events_after_pkey"',
    'the same user cannot store the same event_id twice'
);
select results_eq(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values
            (null, 'e0000000-0000-4000-8000-000000000001', 'alice_retry', null, '{}', now()),
            (null, 'e0000000-0000-4000-8000-000000000002', 'alice_second', null, '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    $$ values ('e0000000-0000-4000-8000-000000000002'::uuid) $$,
    'the function''s upsert returns only the new event, never the duplicate'
);
select is_empty(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values (null, 'e0000000-0000-4000-8000-000000000002', 'alice_retry', null, '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    'retrying a stored event through the upsert returns nothing'
);
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['alice_first', 'alice_second'],
    'alice has each event once, with its first content'
);

-- stranger: bob's event with the shared id is untouched
select tests.authenticate_as('bob');
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['bob_first'],
    'bob''s event with the same event_id is untouched'
);

select * from finish();
rollback;
