begin;
select plan(7);

-- setup: alice has no override yet
select tests.create_user('alice');

-- owner: the defaults are a burst of 10,000 events and 50 per second
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'default_' || n from generate_series(1, 10000) as n $$,
    'without an override alice stores 10,000 events at once, the default burst'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('one_more') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 10000, \"available\": 0, \"retry_after_ms\": 20, \"events_per_second\": 50}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'the next event waits 20 ms, the default rate of 50 events per second'
);

-- operator: a larger override applies to the very next insert
reset role;
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1000, 20000);
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'override_' || n from generate_series(1, 9000) as n $$,
    'with a burst of 20,000 alice stores 9,000 more at once'
);

-- operator: a smaller override applies at once too
reset role;
update private.ingest_limits
set events_per_second = 2, burst = 3
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) values ('after_lowering') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 9499 s", "details": "{\"burst\": 3, \"available\": 0, \"retry_after_ms\": 9499000, \"events_per_second\": 2}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'lowered to 2 per second, the 19,000 events already sent take hours to pay back'
);
select is(
    (select count(*)::integer from public.analytics_events),
    19000,
    'every accepted event is stored'
);

-- operator: the slowest rate is one event in about 11.6 days; slower ones would overflow the wait
reset role;
select throws_ok(
    $$ update private.ingest_limits set events_per_second = 1e-300 where user_id = tests.get_user_id('alice') $$,
    '23514',
    'new row for relation "ingest_limits" violates check constraint "ingest_limits_events_per_second_in_range"',
    'a rate below one event per million seconds is refused'
);
update private.ingest_limits set events_per_second = 0.000001, burst = 1
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select throws_like(
    $$ insert into public.analytics_events (event) values ('at_the_floor') $$,
    '%rate_limited%',
    'at the slowest rate the wait is still answered as a 429, not an overflow'
);

select * from finish();
rollback;
