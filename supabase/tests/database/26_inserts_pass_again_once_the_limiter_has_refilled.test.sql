-- Time stands still inside a test's transaction, so "waiting" moves alice's limiter state back by
-- the time that is meant to pass, exactly what the same wait does to it.
begin;
select plan(6);

-- setup: alice may send five events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 5);

-- owner: alice uses up her burst
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'burst_' || n from generate_series(1, 5) as n $$,
    'alice stores her whole burst'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('too_soon') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'a sixth event is refused for one second'
);

-- half a second passes: not enough for one event
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '0.5 seconds'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) values ('still_too_soon') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 500, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'after half a second the event still waits, for the other half'
);

-- the other half passes: one event's worth has refilled
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '0.5 seconds'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) values ('after_one_second') $$,
    'after the Retry-After second the event is stored'
);

-- five more seconds pass: the whole burst is back
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '5 seconds'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'burst_again_' || n from generate_series(1, 5) as n $$,
    'after five seconds alice can send a whole burst again'
);
select is(
    (select count(*)::integer from public.analytics_events),
    11,
    'every accepted event is stored, and no refused one'
);

select * from finish();
rollback;
