-- A retried batch is the function's plain insert failing on a unique violation, then its upsert
-- skipping the stored events. Only events actually stored are charged, so a retry costs nothing
-- for what was already stored.
begin;
select plan(7);

-- setup: alice may send three events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 3);

-- owner: two events leave room for one
select tests.authenticate_as('alice');
select lives_ok(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000001', 'first'), ('e0000000-0000-4000-8000-000000000002', 'second')
    $$,
    'alice stores two of her three'
);

-- owner: the retry's plain insert fails on the duplicate before the limiter counts anything
select throws_ok(
    $$ insert into public.analytics_events (event_id, event) values ('e0000000-0000-4000-8000-000000000001', 'first') $$,
    '23505',
    'duplicate key value violates unique constraint "events_after_pkey"',
    'a plain insert of a stored event fails as a duplicate, not as rate_limited'
);

-- owner: the upsert that skips both stored events is free
select is_empty(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000001', 'first'), ('e0000000-0000-4000-8000-000000000002', 'second')
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    'retrying the stored events through the upsert stores nothing'
);

-- owner: a retry that brings one new event is charged for that one only, which spends the burst
select results_eq(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000001', 'first'), ('e0000000-0000-4000-8000-000000000003', 'third')
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    $$ values ('e0000000-0000-4000-8000-000000000003'::uuid) $$,
    'the skipped duplicates were not charged: the new event still fits'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('fourth') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 3, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'three stored events spent the burst of three, no more'
);

-- one second passes
reset role;
update private.ingest_limiter_state
set measured_at = measured_at - interval '1 second'
where user_id = tests.get_user_id('alice');
select tests.authenticate_as('alice');
select results_eq(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000001', 'first'), ('e0000000-0000-4000-8000-000000000004', 'fourth')
        on conflict (user_id, event_id) do nothing
        returning event_id
    $$,
    $$ values ('e0000000-0000-4000-8000-000000000004'::uuid) $$,
    'after one second a retry stores its new event'
);
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['first', 'second', 'third', 'fourth'],
    'each event is stored once'
);

select * from finish();
rollback;
