begin;
select plan(7);

-- setup: alice
select tests.create_user('alice');

-- owner: alice stores events without choosing their ids
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'no_id_' || n from generate_series(1, 1000) as n $$,
    'alice stores a thousand events without event ids'
);
select is(
    (
        select count(*)::integer
        from public.analytics_events
        where event_id::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
    ),
    1000,
    'every default event_id is a UUIDv7: version nibble 7 and the RFC 9562 variant'
);
select is(
    (select count(distinct event_id)::integer from public.analytics_events),
    1000,
    'every default event_id is distinct'
);
select ok(
    (
        select bool_and(
            ('x' || pg_catalog.replace(pg_catalog.left(event_id::text, 13), '-', ''))::bit(48)::bigint
            between floor(extract(epoch from now()) * 1000)::bigint
                and floor(extract(epoch from clock_timestamp()) * 1000)::bigint
        )
        from public.analytics_events
    ),
    'the first 48 bits of each default event_id are the insert''s Unix time in milliseconds'
);

-- service role: the function runs as the inserting role, so workers need it as much as users
select tests.authenticate_as_service_role();
select lives_ok(
    $$ insert into public.analytics_events (user_id, event) values (tests.get_user_id('alice'), 'worker') $$,
    'a backend worker stores an event without an id'
);

-- postgres: ids made a few milliseconds apart sort by time
reset role;
select ok(
    (
        with first_id as (select private.uuid_generate_v7() as id),
        pause as (select pg_sleep(0.005) from first_id),
        later_id as (select private.uuid_generate_v7() as id from pause)
        select f.id < l.id from first_id as f, later_id as l
    ),
    'an id made later sorts after an earlier one'
);
select is(
    private.uuid_v7_lower_bound('2026-12-03 00:00:00+00'),
    '01a23933-6800-0000-0000-000000000000'::uuid,
    'the lower bound of a moment is its millisecond with every other bit zero'
);

select * from finish();
rollback;
