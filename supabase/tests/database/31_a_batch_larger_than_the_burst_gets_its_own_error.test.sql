-- A batch bigger than the burst can never fit, however long the caller waits, so it must not get a
-- Retry-After: it gets 413 batch_exceeds_burst, which tells the caller to split it.
begin;
select plan(6);

-- setup: alice may send three events at once
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 3);

-- owner: four events at once, with the whole burst available
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) select 'big_' || n from generate_series(1, 4) as n $$,
    'PGRST',
    '{"code": "batch_exceeds_burst", "hint": "Send at most 3 events per request", "details": "{\"burst\": 3, \"events\": 4, \"events_per_second\": 1}", "message": "This batch has more events than this user''s burst allows at once; split it"}',
    'a batch of four against a burst of three is refused as batch_exceeds_burst'
);
select is(
    (tests.error_raised_by($$ insert into public.analytics_events (event) select 'big_' || n from generate_series(1, 4) as n $$) ->> 'detail')::jsonb,
    '{"status": 413, "status_text": "Content Too Large", "headers": {"RateLimit-Policy": "\"events\";q=3;w=3"}}'::jsonb,
    'PostgREST answers it with HTTP 413 and no Retry-After'
);
select is_empty(
    $$ select event from public.analytics_events $$,
    'nothing of the batch is stored'
);

-- owner: the burst itself still fits, so the refusal charged nothing
select lives_ok(
    $$ insert into public.analytics_events (event) select 'fits_' || n from generate_series(1, 3) as n $$,
    'a batch of exactly the burst is stored'
);

-- owner: with the burst used up, the batch is refused before its size is known, as any statement
-- of a spent user is; the wait can be met, and then the batch gets its 413
select throws_ok(
    $$ insert into public.analytics_events (event) select 'big_' || n from generate_series(1, 4) as n $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 3, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'a too-big batch from a spent user waits like any other'
);
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '1 second'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) select 'big_' || n from generate_series(1, 4) as n $$,
    'PGRST',
    '{"code": "batch_exceeds_burst", "hint": "Send at most 3 events per request", "details": "{\"burst\": 3, \"events\": 4, \"events_per_second\": 1}", "message": "This batch has more events than this user''s burst allows at once; split it"}',
    'after that wait the same batch is told to split, not to retry'
);

select * from finish();
rollback;
