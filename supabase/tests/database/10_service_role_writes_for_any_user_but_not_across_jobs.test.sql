begin;
select plan(8);

-- Constraints are checked in the partition a row lands in, and its name is in the message: events
-- with default ids land in this week's partition.
select 'events_w' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD') as week_partition \gset

-- setup: alice and bob, each with a job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id, name)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job'),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'), 'bob job');

-- service role: a trusted worker writes for several users
select tests.authenticate_as_service_role();
select lives_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event, stage, received_at)
            values
                (%L, 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T00:00:00Z'),
                (%L, null, 'page_view', null, '2026-01-01T00:00:00Z')
        $$,
        tests.get_user_id('alice'),
        tests.get_user_id('bob')
    ),
    'the service role can write events for any user, received_at included'
);
select throws_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event)
            values (%L, 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_started')
        $$,
        tests.get_user_id('alice')
    ),
    '23503',
    format('insert or update on table "%s" violates foreign key constraint "analytics_events_job_id_user_id_fkey"', :'week_partition'),
    'even the service role cannot tie alice''s event to bob''s job'
);
select throws_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event, stage, properties, occurred_at)
            values (%L, 'b2b2b2b2-0000-4000-8000-000000000001', 'stage_started', null, '{}', now())
            on conflict (user_id, event_id) do nothing
            returning event_id
        $$,
        tests.get_user_id('alice')
    ),
    '23503',
    format('insert or update on table "%s" violates foreign key constraint "analytics_events_job_id_user_id_fkey"', :'week_partition'),
    'the upsert form is refused by the same foreign key'
);
select throws_ok(
    format(
        $$
            insert into public.analytics_events (user_id, job_id, event)
            values (%L, 'dddddddd-0000-4000-8000-000000000404', 'stage_started')
        $$,
        tests.get_user_id('alice')
    ),
    '23503',
    format('insert or update on table "%s" violates foreign key constraint "analytics_events_job_id_user_id_fkey"', :'week_partition'),
    'the service role cannot reference a job that does not exist'
);
select throws_ok(
    $$
        insert into public.analytics_events (user_id, event)
        values ('dddddddd-0000-4000-8000-000000000404', 'page_view')
    $$,
    '23503',
    format('insert or update on table "%s" violates foreign key constraint "analytics_events_user_id_fkey"', :'week_partition'),
    'the service role cannot write for a user that does not exist'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('page_view') $$,
    '23502',
    format('null value in column "user_id" of relation "%s" violates not-null constraint', :'week_partition'),
    'the service role must name the user, as it has none of its own'
);

-- owner: each user sees what the worker wrote for them
select tests.authenticate_as('alice');
select results_eq(
    $$ select event, job_id from public.analytics_events $$,
    $$ values ('stage_started'::text, 'a1a1a1a1-0000-4000-8000-000000000001'::uuid) $$,
    'alice sees the event written for her job'
);
select tests.authenticate_as('bob');
select results_eq(
    $$ select event, job_id from public.analytics_events $$,
    $$ values ('page_view'::text, null::uuid) $$,
    'bob sees only the event written for him'
);

select * from finish();
rollback;
