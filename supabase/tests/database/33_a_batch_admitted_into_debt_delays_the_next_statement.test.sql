-- The limiter admits a statement when the user's bucket has room for one event, and charges its
-- whole size, past the burst if need be: the debt is paid back before the next statement. Time
-- stands still inside a test's transaction, so "waiting" moves alice's limiter state back.
begin;
select plan(6);

-- setup: alice may send five events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 5);

-- owner: three events leave room for two, and a batch of four is admitted whole
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'first_' || n from generate_series(1, 3) as n $$,
    'alice stores three of her five'
);
select lives_ok(
    $$ insert into public.analytics_events (event) select 'batch_' || n from generate_series(1, 4) as n $$,
    'a batch of four is stored whole although only two would fit'
);

-- owner: the two events of debt, and one more, must drain before the next statement
select throws_ok(
    $$ insert into public.analytics_events (event) values ('too_soon') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 3 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 3000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'the next event waits until the debt is paid and one event fits: three seconds'
);

-- two and a half seconds pass: still half an event short
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '2.5 seconds'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) values ('still_too_soon') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 500, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'after two and a half seconds the event waits the other half'
);

-- the other half passes
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '0.5 seconds'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) values ('on_time') $$,
    'after the Retry-After the event is stored'
);
select is(
    (select count(*)::integer from public.analytics_events),
    8,
    'every admitted event is stored, and no refused one'
);

select * from finish();
rollback;
