-- Partitions hold every user's events and have no policies of their own: they must be reachable
-- only through public.analytics_events, whose policies decide. That holds for the partitions the
-- migration made and for those the maintenance makes later.
begin;
select plan(14);

-- setup: a week partition made by the maintenance, and an event of alice's in it
select tests.create_user('alice');
select tests.create_user('bob');
select lives_ok(
    $$ select private.create_event_partitions_ahead(now() + interval '6 weeks') $$,
    'the maintenance makes the weeks ahead'
);
insert into public.analytics_events (user_id, event_id, event)
values (
    tests.get_user_id('alice'),
    private.uuid_v7_lower_bound(now() + interval '6 weeks'),
    'alice_ahead'
);
select 'events_w' || to_char(date_trunc('week', (now() + interval '6 weeks') at time zone 'UTC'), 'YYYYMMDD')
    as ahead_partition \gset
select has_table('analytics_partitions', :'ahead_partition', 'the week six weeks ahead has its partition');

-- postgres: every partition has RLS on, no policy and no privilege for an API role
select is(
    (select count(*)::integer from pg_catalog.pg_inherits where inhparent = 'public.analytics_events'::regclass),
    (
        select count(*)::integer
        from pg_catalog.pg_inherits as i
        join pg_catalog.pg_class as c
            on c.oid = i.inhrelid
        where i.inhparent = 'public.analytics_events'::regclass
            and c.relnamespace = 'analytics_partitions'::regnamespace
            and c.relrowsecurity
    ),
    'every partition lives in analytics_partitions with row-level security on'
);
select is_empty(
    $$
        select p.polname
        from pg_catalog.pg_policy as p
        join pg_catalog.pg_inherits as i
            on i.inhrelid = p.polrelid
        where i.inhparent = 'public.analytics_events'::regclass
    $$,
    'no partition has a policy of its own, so RLS on a partition denies every row'
);
select is_empty(
    $$
        select c.relname, r.rolname
        from pg_catalog.pg_inherits as i
        join pg_catalog.pg_class as c
            on c.oid = i.inhrelid
        cross join pg_catalog.pg_roles as r
        where i.inhparent = 'public.analytics_events'::regclass
            and r.rolname in ('anon', 'authenticated', 'service_role')
            and pg_catalog.has_table_privilege(
                r.rolname, c.oid, 'select, insert, update, delete, truncate, references, trigger'
            )
    $$,
    'no API role holds a privilege on any partition'
);
select is_empty(
    $$
        select r.rolname
        from pg_catalog.pg_roles as r
        where r.rolname in ('anon', 'authenticated', 'service_role')
            and pg_catalog.has_schema_privilege(r.rolname, 'analytics_partitions', 'usage, create')
    $$,
    'no API role may use the schema of the partitions'
);

-- owner: alice cannot read or write her own week partition directly
select tests.authenticate_as('alice');
select throws_ok(
    format('select * from analytics_partitions.%I', :'ahead_partition'),
    '42501',
    'permission denied for schema analytics_partitions',
    'alice cannot read a week partition directly'
);
select throws_ok(
    $$ select * from analytics_partitions.events_after $$,
    '42501',
    'permission denied for schema analytics_partitions',
    'alice cannot read the catch-all of random ids directly'
);
select throws_ok(
    $$ insert into analytics_partitions.events_default (user_id, event) values ((select auth.uid()), 'side_door') $$,
    '42501',
    'permission denied for schema analytics_partitions',
    'alice cannot write into a partition, past the policy and the limiter'
);
select results_eq(
    $$ select event from public.analytics_events $$,
    $$ values ('alice_ahead') $$,
    'through the parent, alice reads her event in the week made ahead'
);

-- stranger: bob sees nothing of alice's in any partition
select tests.authenticate_as('bob');
select is_empty(
    $$ select event from public.analytics_events $$,
    'through the parent, bob sees none of alice''s events'
);

-- anonymous: no way in
select tests.clear_authentication();
select throws_ok(
    $$ select * from analytics_partitions.events_before $$,
    '42501',
    'permission denied for schema analytics_partitions',
    'anon cannot read a partition directly'
);

-- service role: trusted with the parent, not with the partitions
select tests.authenticate_as_service_role();
select throws_ok(
    $$ select * from analytics_partitions.events_default $$,
    '42501',
    'permission denied for schema analytics_partitions',
    'the service role cannot read a partition directly'
);
select is(
    (select count(*)::integer from public.analytics_events where event = 'alice_ahead'),
    1,
    'the service role reads every user''s events through the parent'
);

select * from finish();
rollback;
