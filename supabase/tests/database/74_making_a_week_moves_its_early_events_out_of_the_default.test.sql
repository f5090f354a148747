-- An event whose week has no partition yet (a clock ahead) waits in the default partition. When
-- the maintenance makes that week, the event moves into it: still stored once, still a duplicate
-- on retry, and the default stays thin.
begin;
select plan(5);

-- setup: alice stores an event eight weeks ahead, past the weeks made
select tests.create_user('alice');
insert into public.analytics_events (user_id, event_id, event)
values (tests.get_user_id('alice'), private.uuid_v7_lower_bound(now() + interval '8 weeks'), 'early');
select is(
    (select e.tableoid::regclass::text from public.analytics_events as e where e.event = 'early' and e.user_id = tests.get_user_id('alice')),
    'analytics_partitions.events_default',
    'an event past the weeks made waits in the default partition'
);

-- postgres: the maintenance makes the weeks through that one
select ok(
    (select count(*) >= 4 from private.create_event_partitions_ahead(now() + interval '8 weeks') as made),
    'the maintenance makes the missing weeks'
);
select is(
    (select e.tableoid::regclass::text from public.analytics_events as e where e.event = 'early' and e.user_id = tests.get_user_id('alice')),
    'analytics_partitions.events_w' || to_char(date_trunc('week', (now() + interval '8 weeks') at time zone 'UTC'), 'YYYYMMDD'),
    'the early event moved into its week'
);
-- Only alice's rows: other tests' and runs' events with ids in the gaps may wait there too.
select is_empty(
    format(
        $$ select 1 from analytics_partitions.events_default where user_id = %L $$,
        tests.get_user_id('alice')
    ),
    'the default partition holds nothing of a week that exists'
);

-- owner: a retry is still a duplicate
select private.uuid_v7_lower_bound(now() + interval '8 weeks') as early_id \gset
select tests.authenticate_as('alice');
select is_empty(
    format(
        $$
            insert into public.analytics_events (event_id, event) values (%L, 'early_retry')
            on conflict (user_id, event_id) do nothing
            returning event_id
        $$,
        :'early_id'
    ),
    'a retry of the moved event stores nothing'
);

select * from finish();
rollback;
