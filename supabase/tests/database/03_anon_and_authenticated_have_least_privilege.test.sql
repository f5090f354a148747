begin;
select plan(21);

-- anonymous: no privileges at all, on anything in public
select table_privs_are('public', 'jobs', 'anon', array[]::text[], 'anon has no privileges on jobs');
select table_privs_are('public', 'analytics_events', 'anon', array[]::text[], 'anon has no privileges on analytics_events');
select table_privs_are('public', 'job_stage_latency', 'anon', array[]::text[], 'anon has no privileges on job_stage_latency');
select table_privs_are('public', 'stage_latency_summary', 'anon', array[]::text[], 'anon has no privileges on stage_latency_summary');
select sequence_privs_are(
    'public', 'analytics_events_id_seq', 'anon', array[]::text[],
    'anon has no privileges on the events identity sequence'
);
select is_empty(
    $$
        select c.relname
        from pg_catalog.pg_class as c
        where c.relnamespace = 'public'::regnamespace
            and (
                (
                    c.relkind in ('r', 'p', 'v', 'm', 'f')
                    and (
                        pg_catalog.has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
                        or pg_catalog.has_any_column_privilege('anon', c.oid, 'select, insert, update, references')
                    )
                )
                or (
                    c.relkind = 'S'
                    and pg_catalog.has_sequence_privilege('anon', c.oid, 'usage, select, update')
                )
            )
    $$,
    'anon holds no table, view, sequence or column privilege anywhere in public'
);
select is_empty(
    $$
        select p.oid::regprocedure
        from pg_catalog.pg_proc as p
        where p.pronamespace = 'public'::regnamespace
            and pg_catalog.has_function_privilege('anon', p.oid, 'execute')
    $$,
    'anon can execute no function in public'
);

-- signed-in users: own-rows access to jobs, append-only events, read-only views
select table_privs_are(
    'public', 'jobs', 'authenticated', array['SELECT', 'INSERT', 'DELETE'],
    'authenticated may select, insert and delete jobs as a whole, and nothing else'
);
select is(
    (
        select array_agg(a.attname::text order by a.attnum)
        from pg_catalog.pg_attribute as a
        where a.attrelid = 'public.jobs'::regclass
            and a.attnum > 0
            and not a.attisdropped
            and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'update')
    ),
    array['name', 'status', 'created_at', 'updated_at'],
    'authenticated may update every jobs column but id and user_id'
);
select table_privs_are(
    'public', 'analytics_events', 'authenticated', array['SELECT'],
    'authenticated holds only select on analytics_events as a whole'
);
select table_privs_are(
    'public', 'job_stage_latency', 'authenticated', array['SELECT'],
    'authenticated may only select job_stage_latency'
);
select table_privs_are(
    'public', 'stage_latency_summary', 'authenticated', array['SELECT'],
    'authenticated may only select stage_latency_summary'
);
select sequence_privs_are(
    'public', 'analytics_events_id_seq', 'authenticated', array[]::text[],
    'authenticated has no privileges on the events identity sequence'
);
select column_privs_are(
    'public', 'analytics_events', 'event', 'authenticated', array['SELECT', 'INSERT'],
    'authenticated may insert and select the event column'
);
select column_privs_are(
    'public', 'analytics_events', 'user_id', 'authenticated', array['SELECT', 'INSERT'],
    'authenticated may insert user_id, which the insert policy pins to the caller'
);
select column_privs_are(
    'public', 'analytics_events', 'received_at', 'authenticated', array['SELECT'],
    'authenticated may not set received_at, which the server owns'
);
select column_privs_are(
    'public', 'analytics_events', 'id', 'authenticated', array['SELECT'],
    'authenticated may not set id'
);
select is(
    (
        select array_agg(a.attname::text order by a.attnum)
        from pg_catalog.pg_attribute as a
        where a.attrelid = 'public.analytics_events'::regclass
            and a.attnum > 0
            and not a.attisdropped
            and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'insert')
    ),
    array['user_id', 'job_id', 'event_id', 'event', 'stage', 'properties', 'occurred_at'],
    'authenticated may insert exactly the client-settable columns'
);
select is(
    (
        select array_agg(a.attname::text order by a.attnum)
        from pg_catalog.pg_attribute as a
        where a.attrelid = 'public.analytics_events'::regclass
            and a.attnum > 0
            and not a.attisdropped
            and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'update, references')
    ),
    null::text[],
    'authenticated may update or reference no column of analytics_events'
);

-- service role: trusted workers write for any user
select table_privs_are(
    'public', 'analytics_events', 'service_role',
    array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
    'service_role holds every privilege on analytics_events'
);
select table_privs_are(
    'public', 'jobs', 'service_role',
    array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
    'service_role holds every privilege on jobs'
);

select * from finish();
rollback;
