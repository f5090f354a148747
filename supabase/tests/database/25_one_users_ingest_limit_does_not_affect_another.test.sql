begin;
select plan(4);

-- setup: alice and bob have the same small limit
select tests.create_user('alice');
select tests.create_user('bob');
insert into private.ingest_limits (user_id, events_per_second, burst)
values
    (tests.get_user_id('alice'), 1, 2),
    (tests.get_user_id('bob'), 1, 2);

-- owner: alice uses up her burst and is refused
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) values ('alice_1'), ('alice_2') $$,
    'alice stores her whole burst'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('alice_3') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 2, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'alice is over her limit'
);

-- stranger: bob's budget is his own
select tests.authenticate_as('bob');
select lives_ok(
    $$ insert into public.analytics_events (event) values ('bob_1'), ('bob_2') $$,
    'bob still stores his whole burst while alice is refused'
);
select bag_eq(
    $$ select event from public.analytics_events $$,
    array['bob_1', 'bob_2'],
    'bob''s events are all stored'
);

select * from finish();
rollback;
