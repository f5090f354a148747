begin;
select plan(17);

-- setup: alice has an override and some limiter state
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 5);
insert into private.ingest_limiter_state (user_id, burst_used, measured_at)
values (tests.get_user_id('alice'), 5, now());

-- structure: the schema is not an API, and no API role holds anything in it
select ok(
    not coalesce(
        (
            select 'private' = any (string_to_array(replace(split_part(setting, '=', 2), ' ', ''), ','))
            from pg_catalog.pg_roles as r
            cross join unnest(r.rolconfig) as setting
            where r.rolname = 'authenticator'
                and setting like 'pgrst.db\_schemas=%'
        ),
        false
    ),
    'PostgREST does not expose the private schema'
);
select schema_privs_are('private', 'anon', array[]::text[], 'anon cannot use the private schema');
select schema_privs_are('private', 'authenticated', array[]::text[], 'authenticated cannot use the private schema');
select table_privs_are('private', 'ingest_limits', 'anon', array[]::text[], 'anon has no privileges on ingest_limits');
select table_privs_are('private', 'ingest_limits', 'authenticated', array[]::text[], 'authenticated has no privileges on ingest_limits');
select table_privs_are('private', 'ingest_limiter_state', 'anon', array[]::text[], 'anon has no privileges on the limiter state');
select table_privs_are('private', 'ingest_limiter_state', 'authenticated', array[]::text[], 'authenticated has no privileges on the limiter state');
select is_empty(
    $$
        select p.oid::regprocedure
        from pg_catalog.pg_proc as p
        where p.pronamespace = 'private'::regnamespace
            -- The event_id default: inserting roles evaluate it, and it reveals nothing.
            and p.oid <> 'private.uuid_generate_v7()'::regprocedure
            and (
                pg_catalog.has_function_privilege('anon', p.oid, 'execute')
                or pg_catalog.has_function_privilege('authenticated', p.oid, 'execute')
            )
    $$,
    'neither anon nor authenticated can execute any function in private but the event_id default'
);

-- owner: alice can neither see nor raise her limit, nor reset her state
select tests.authenticate_as('alice');
select throws_ok(
    $$ select * from private.ingest_limits $$,
    '42501', 'permission denied for schema private',
    'alice cannot read the ingest limits'
);
select throws_ok(
    $$ update private.ingest_limits set burst = 1000000 $$,
    '42501', 'permission denied for schema private',
    'alice cannot raise her limit'
);
select throws_ok(
    $$ insert into private.ingest_limits (user_id, events_per_second, burst) values ((select auth.uid()), 1e9, 1000000) $$,
    '42501', 'permission denied for schema private',
    'alice cannot give herself a limit'
);
select throws_ok(
    $$ delete from private.ingest_limits $$,
    '42501', 'permission denied for schema private',
    'alice cannot remove her limit'
);
select throws_ok(
    $$ select * from private.ingest_limiter_state $$,
    '42501', 'permission denied for schema private',
    'alice cannot read the limiter state'
);
select throws_ok(
    $$ update private.ingest_limiter_state set burst_used = 0 $$,
    '42501', 'permission denied for schema private',
    'alice cannot refill her own bucket'
);
select throws_ok(
    $$ delete from private.ingest_limiter_state $$,
    '42501', 'permission denied for schema private',
    'alice cannot reset the limiter'
);

-- anonymous: nothing either
select tests.clear_authentication();
select throws_ok(
    $$ select * from private.ingest_limits $$,
    '42501', 'permission denied for schema private',
    'anonymous callers cannot read the ingest limits'
);

-- owner: the state is as the setup left it
reset role;
select is(
    (select count(*)::integer from private.ingest_limits where burst = 5 and events_per_second = 1),
    1,
    'alice''s limit is unchanged'
);

select * from finish();
rollback;
