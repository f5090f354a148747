-- Time stands still inside a test's transaction, so "waiting" moves alice's limiter state back by
-- the time that is meant to pass, exactly what the same wait does to it.
begin;
select plan(6);

-- setup: alice may send five events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 5);

-- owner: five events spend her burst
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'first_' || n from generate_series(1, 5) as n $$,
    'alice stores her whole burst'
);

-- owner: a batch of three is refused whole, however it is sent
select throws_ok(
    $$ insert into public.analytics_events (event) select 'batch_' || n from generate_series(1, 3) as n $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'a batch of three is refused whole'
);
select throws_ok(
    $$
        insert into public.analytics_events (event_id, event)
        select gen_random_uuid(), 'upserted_' || n from generate_series(1, 3) as n
        on conflict (user_id, event_id) do nothing
    $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'the same batch through the function''s upsert is refused whole too'
);
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['first_1', 'first_2', 'first_3', 'first_4', 'first_5'],
    'no event of a refused batch is stored'
);

-- two seconds pass: two events' worth has drained
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '2 seconds'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');

-- owner: the refusals used nothing up
select lives_ok(
    $$ insert into public.analytics_events (event) values ('last_1'), ('last_2') $$,
    'two events fit after two seconds: a refusal charges nothing'
);
select throws_like(
    $$ insert into public.analytics_events (event) values ('too_soon') $$,
    '%rate_limited%',
    'and the bucket is spent again, by exactly those two'
);

select * from finish();
rollback;
