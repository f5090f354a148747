begin;
select plan(3);

-- setup: alice and bob, each with a job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');

-- stranger: alice sends a batch whose last event names bob's job
select tests.authenticate_as('alice');
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event_id, event, stage, properties, occurred_at)
        values
            ('a1a1a1a1-0000-4000-8000-000000000001', gen_random_uuid(), 'stage_started', 'extract', '{}', now()),
            (null, gen_random_uuid(), 'page_view', null, '{}', now()),
            ('b2b2b2b2-0000-4000-8000-000000000001', gen_random_uuid(), 'stage_started', 'extract', '{}', now())
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'a batch with one event for another user''s job is refused as a whole'
);
select is_empty(
    $$ select id from public.analytics_events $$,
    'alice sees none of the batch''s valid events stored'
);

-- service role: the table really holds nothing
select tests.authenticate_as_service_role();
select is(
    (select count(*)::integer from public.analytics_events where user_id = tests.get_user_id('alice')),
    0,
    'no row of the refused batch was stored'
);

select * from finish();
rollback;
