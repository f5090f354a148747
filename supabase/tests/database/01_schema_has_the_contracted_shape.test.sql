begin;
select plan(45);

-- structure: the tables and views the function, dashboards and workers rely on
select has_table('public', 'jobs', 'public.jobs exists');
select has_table('public', 'analytics_events', 'public.analytics_events exists');
select has_view('public', 'job_stage_latency', 'public.job_stage_latency exists');
select has_view('public', 'stage_latency_summary', 'public.stage_latency_summary exists');

-- structure: jobs
select columns_are(
    'public',
    'jobs',
    array['id', 'user_id', 'name', 'status', 'created_at', 'updated_at'],
    'jobs has exactly the contracted columns'
);
select col_is_pk('public', 'jobs', 'id', 'jobs.id is the primary key');
select col_default_is('public', 'jobs', 'id', 'gen_random_uuid()', 'jobs.id defaults to a random uuid');
select col_default_is('public', 'jobs', 'name', 'untitled'::text, 'jobs.name has a default');
select col_default_is('public', 'jobs', 'status', 'pending'::text, 'jobs.status has a default');
select fk_ok('public', 'jobs', 'user_id', 'auth', 'users', 'id', 'jobs.user_id references auth.users');
select col_is_unique('public', 'jobs', array['id', 'user_id'], 'jobs has a unique (id, user_id) for the composite foreign key');
select has_index('public', 'jobs', 'jobs_user_id_idx', array['user_id'], 'jobs.user_id is indexed');

-- structure: analytics_events
select columns_are(
    'public',
    'analytics_events',
    array['id', 'user_id', 'job_id', 'event_id', 'event', 'stage', 'properties', 'occurred_at', 'received_at', 'context'],
    'analytics_events has exactly the contracted columns'
);
select col_type_is('public', 'analytics_events', 'id', 'bigint', 'analytics_events.id is a bigint');
select col_type_is('public', 'analytics_events', 'user_id', 'uuid', 'analytics_events.user_id is a uuid');
select col_type_is('public', 'analytics_events', 'job_id', 'uuid', 'analytics_events.job_id is a uuid');
select col_type_is('public', 'analytics_events', 'event_id', 'uuid', 'analytics_events.event_id is a uuid');
select col_type_is('public', 'analytics_events', 'event', 'text', 'analytics_events.event is text');
select col_type_is('public', 'analytics_events', 'stage', 'text', 'analytics_events.stage is text');
select col_type_is('public', 'analytics_events', 'properties', 'jsonb', 'analytics_events.properties is jsonb');
select col_type_is('public', 'analytics_events', 'context', 'jsonb', 'analytics_events.context is jsonb');
select col_type_is('public', 'analytics_events', 'occurred_at', 'timestamp with time zone', 'analytics_events.occurred_at is a timestamptz');
select col_type_is('public', 'analytics_events', 'received_at', 'timestamp with time zone', 'analytics_events.received_at is a timestamptz');
select col_is_pk('public', 'analytics_events', array['user_id', 'event_id'], 'the idempotency key (user_id, event_id) is the primary key, as partitioning by event_id needs');
select is(
    (select attidentity::text from pg_catalog.pg_attribute where attrelid = 'public.analytics_events'::regclass and attname = 'id'),
    'a',
    'analytics_events.id is generated always, so nobody picks it'
);
select col_not_null('public', 'analytics_events', 'user_id', 'analytics_events.user_id is required');
select col_is_null('public', 'analytics_events', 'job_id', 'analytics_events.job_id is optional');
select col_is_null('public', 'analytics_events', 'stage', 'analytics_events.stage is optional');
select col_not_null('public', 'analytics_events', 'properties', 'analytics_events.properties is required');
select col_not_null('public', 'analytics_events', 'context', 'analytics_events.context is required');
select col_default_is('public', 'analytics_events', 'user_id', 'auth.uid()', 'analytics_events.user_id defaults to the caller');
select col_default_is('public', 'analytics_events', 'event_id', 'private.uuid_generate_v7()', 'analytics_events.event_id defaults to a time-ordered UUIDv7');
select col_default_is('public', 'analytics_events', 'properties', '{}'::jsonb, 'analytics_events.properties defaults to an empty object');
select col_default_is('public', 'analytics_events', 'context', '{}'::jsonb, 'analytics_events.context defaults to an empty object');
select col_default_is('public', 'analytics_events', 'occurred_at', 'now()', 'analytics_events.occurred_at defaults to now');
select col_default_is('public', 'analytics_events', 'received_at', 'now()', 'analytics_events.received_at defaults to now');
select fk_ok('public', 'analytics_events', 'user_id', 'auth', 'users', 'id', 'analytics_events.user_id references auth.users');
select fk_ok(
    'public', 'analytics_events', array['job_id', 'user_id'],
    'public', 'jobs', array['id', 'user_id'],
    'analytics_events (job_id, user_id) references jobs (id, user_id)'
);
select is(
    (
        select array_agg(a.attname order by a.attname)
        from pg_catalog.pg_constraint as c
        join pg_catalog.pg_attribute as a
            on a.attrelid = c.conrelid
            and a.attnum = any (c.confdelsetcols)
        where c.conname = 'analytics_events_job_id_user_id_fkey'
            and c.conrelid = 'public.analytics_events'::regclass
            and c.confdeltype = 'n'
    ),
    array['job_id']::name[],
    'deleting a job sets only job_id to null on its events'
);
select has_index(
    'public', 'analytics_events', 'analytics_events_job_id_user_id_idx', array['job_id', 'user_id'],
    'the composite foreign key is covered by an index'
);
select has_index(
    'public', 'analytics_events', 'analytics_events_user_id_occurred_at_idx', array['user_id', 'occurred_at'],
    'a user''s events are indexed by time'
);
select bag_eq(
    $$
        select conname::text
        from pg_catalog.pg_constraint
        where conrelid = 'public.analytics_events'::regclass
            and contype = 'c'
    $$,
    array[
        'analytics_events_event_length',
        'analytics_events_event_no_control_characters',
        'analytics_events_stage_length',
        'analytics_events_stage_no_control_characters',
        'analytics_events_properties_is_object',
        'analytics_events_properties_size',
        'analytics_events_context_is_object',
        'analytics_events_context_size'
    ],
    'analytics_events has the named check constraints'
);

-- structure: views
select columns_are(
    'public',
    'job_stage_latency',
    array[
        'user_id', 'job_id', 'stage', 'started_at', 'completed_at', 'latency_ms',
        'status', 'attempts', 'ended_at', 'first_started_at'
    ],
    'job_stage_latency has the contracted columns'
);
select columns_are(
    'public',
    'stage_latency_summary',
    array['user_id', 'stage', 'completed_count', 'p50_ms', 'p95_ms', 'failed_count', 'running_count'],
    'stage_latency_summary has the contracted columns'
);
select is_empty(
    $$
        select c.relname
        from pg_catalog.pg_class as c
        where c.relnamespace = 'public'::regnamespace
            and c.relkind = 'v'
            and not coalesce(c.reloptions @> array['security_invoker=true'], false)
    $$,
    'every view in public is security_invoker, so RLS applies to the reader'
);

select * from finish();
rollback;
