-- The limiter runs on the transaction's clock, and a test is one transaction, so time stands still
-- here: what a burst uses up is not refilled until a test moves the limiter's state back.
begin;
select plan(5);

-- setup: alice may send five events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 5);

-- owner: a whole burst fits
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) select 'burst_' || n from generate_series(1, 5) as n $$,
    'alice stores five events at once, her whole burst'
);

-- owner: one more in the same instant is refused, with PostgREST's custom error
select throws_ok(
    $$ insert into public.analytics_events (event) values ('one_too_many') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'the next event is refused as rate_limited, to be retried after one second'
);
select is(
    (tests.error_raised_by($$ insert into public.analytics_events (event) values ('one_too_many') $$) ->> 'detail')::jsonb,
    '{
        "status": 429,
        "status_text": "Too Many Requests",
        "headers": {
            "Retry-After": "1",
            "RateLimit-Policy": "\"events\";q=5;w=5",
            "RateLimit": "\"events\";r=0;t=1"
        }
    }'::jsonb,
    'PostgREST answers the refusal with HTTP 429, Retry-After and the RateLimit fields'
);
select throws_ok(
    $$ insert into public.analytics_events (event) select 'batch_' || n from generate_series(1, 2) as n $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 5, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'a batch of two waits as long as one event: the wait is until the bucket has room again'
);
select is(
    (select count(*)::integer from public.analytics_events),
    5,
    'only the burst is stored'
);

select * from finish();
rollback;
