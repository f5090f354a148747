begin;
select plan(5);

-- setup: alice may send five events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 5);

-- owner: three events leave room for two
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'first_' || n from generate_series(1, 3) as n $$,
    'alice stores three of her five'
);

-- owner: a batch of three does not fit, and none of it is stored
select throws_ok(
    $$ insert into public.analytics_events (event) select 'batch_' || n from generate_series(1, 3) as n $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 2, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'a batch of three is refused whole although two would fit'
);
select throws_ok(
    $$
        insert into public.analytics_events (event_id, event)
        select gen_random_uuid(), 'upserted_' || n from generate_series(1, 3) as n
        on conflict (user_id, event_id) do nothing
    $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 2, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'the same batch through the function''s upsert is refused whole too'
);
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['first_1', 'first_2', 'first_3'],
    'no event of a refused batch is stored'
);

-- owner: the refusals used nothing up
select lives_ok(
    $$ insert into public.analytics_events (event) values ('last_1'), ('last_2') $$,
    'the two events that were left still fit: a refusal charges nothing'
);

select * from finish();
rollback;
