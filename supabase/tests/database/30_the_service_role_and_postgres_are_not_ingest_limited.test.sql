begin;
select plan(5);

-- setup: alice may send one event at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 1);

-- service role: trusted workers write any number of alice's events
select tests.authenticate_as_service_role();
select lives_ok(
    $$
        insert into public.analytics_events (user_id, event)
        select tests.get_user_id('alice'), 'worker_' || n from generate_series(1, 50) as n
    $$,
    'the service role stores 50 events for alice, far over her burst of one'
);
select lives_ok(
    $$ insert into public.analytics_events (user_id, event) values (tests.get_user_id('alice'), 'worker_again') $$,
    'and more right after'
);

-- postgres: operators and migrations are not limited either
reset role;
select lives_ok(
    $$
        insert into public.analytics_events (user_id, event)
        select tests.get_user_id('alice'), 'operator_' || n from generate_series(1, 5) as n
    $$,
    'postgres stores events for alice without limit'
);

-- owner: none of that used alice's own budget, and she is still limited herself
select tests.authenticate_as('alice');
select lives_ok(
    $$ insert into public.analytics_events (event) values ('alice_own') $$,
    'alice''s own burst is untouched by the trusted writes'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values ('alice_too_many') $$,
    'PGRST',
    '{"code": "rate_limited", "hint": "Retry after 1 s", "details": "{\"burst\": 1, \"available\": 0, \"retry_after_ms\": 1000, \"events_per_second\": 1}", "message": "Too many events: this user is over the ingest limit; nothing was stored"}',
    'alice herself is still limited'
);

select * from finish();
rollback;
