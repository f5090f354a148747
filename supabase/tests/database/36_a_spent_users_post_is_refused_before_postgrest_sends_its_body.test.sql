-- PostgREST runs its db-pre-request before it sends the request's statement and body, so a
-- spent user's POST to analytics_events is refused there: Postgres neither parses nor plans it.
begin;
select plan(7);

-- setup: alice has spent her burst of two; bob has room
select tests.create_user('alice');
select tests.create_user('bob');
insert into private.ingest_limits (user_id, events_per_second, burst)
values
    (tests.get_user_id('alice'), 1, 2),
    (tests.get_user_id('bob'), 1, 2);
select tests.authenticate_as('alice');
insert into public.analytics_events (event) values ('a'), ('b');

-- owner: her next POST to analytics_events is refused before its body
select set_config('request.method', 'POST', true);
select set_config('request.path', '/analytics_events', true);
select set_config('request.headers', '{"prefer": "return=minimal"}', true);
select throws_ok(
    $$ select pgrst_hooks.check_request() $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 2, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'a spent user''s POST is refused as rate_limited by the pre-request'
);
select is(
    (tests.error_raised_by($$ select pgrst_hooks.check_request() $$) ->> 'detail')::jsonb ->> 'status',
    '429',
    'with HTTP 429'
);

-- owner: her reads and other routes are not the limiter's business
select set_config('request.method', 'GET', true);
select lives_ok($$ select pgrst_hooks.check_request() $$, 'she can still read her events');
select set_config('request.method', 'POST', true);
select set_config('request.path', '/rpc/visible_job_ids', true);
select lives_ok($$ select pgrst_hooks.check_request() $$, 'she can still check her jobs');

-- stranger: bob's budget is his own
select set_config('request.path', '/analytics_events', true);
select tests.authenticate_as('bob');
select lives_ok($$ select pgrst_hooks.check_request() $$, 'bob, with room left, passes');

-- one second passes: alice has room for one event again
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '1 second'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select lives_ok($$ select pgrst_hooks.check_request() $$, 'after the Retry-After alice passes');

-- service role: trusted workers are never limited
select tests.authenticate_as_service_role();
select lives_ok($$ select pgrst_hooks.check_request() $$, 'the service role passes');

select * from finish();
rollback;
