-- The limiter's statement trigger sits on the partitioned parent; its transition table must hold
-- the rows of every partition a batch touches, so a batch spread over partitions is charged whole.
begin;
select plan(3);

-- setup: alice may send three events at once
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 3);

-- owner: three events in three partitions use the whole burst
select tests.authenticate_as('alice');
select lives_ok(
    $$
        insert into public.analytics_events (event_id, event)
        values
            ('e0000000-0000-4000-8000-0000000000a1', 'random_id'),
            (default, 'this_week'),
            ('00000000-0000-7000-8000-0000000000a1', 'epoch_clock')
    $$,
    'alice stores three events that land in three partitions'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('one_too_many') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 3, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'the next event is refused: the batch was charged for all three partitions'
);

-- postgres: the limiter counted three
reset role;
select is(
    (select s.burst_used from private.ingest_limiter_state as s where s.user_id = tests.get_user_id('alice')),
    3::double precision,
    'the limiter charged the batch three events'
);

select * from finish();
rollback;
