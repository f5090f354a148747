-- Retention drops whole weeks once every event of the week is older than the setting, and only
-- those: the maintenance runs here as if it were some months later.
begin;
select plan(8);

-- setup: alice has an event this week, one in the week made ahead, and one from a clock far behind
select tests.create_user('alice');
insert into public.analytics_events (user_id, event_id, event)
values
    (tests.get_user_id('alice'), private.uuid_v7_lower_bound(now()), 'this_week'),
    (tests.get_user_id('alice'), private.uuid_v7_lower_bound(now() + interval '3 weeks'), 'three_weeks_ahead'),
    (tests.get_user_id('alice'), private.uuid_v7_lower_bound(now() - interval '2 years'), 'two_years_behind'),
    (tests.get_user_id('alice'), 'e0000000-0000-4000-8000-0000000000ee', 'random_id');
select 'events_w' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD') as this_week \gset

-- postgres: with a retention of 30 days, seven weeks on, this week has expired
update private.event_partition_settings set retention = interval '30 days';
create temporary table done as
select * from private.maintain_event_partitions(now() + interval '7 weeks') as action;
select ok(
    exists (select 1 from done where action = 'dropped ' || :'this_week'),
    'the maintenance reports this week''s partition dropped'
);
select hasnt_table('analytics_partitions', :'this_week', 'this week''s partition is gone');
-- Only alice's rows: the database may hold other tests' and runs' events.
select tests.get_user_id('alice') as alice_id \gset
select is_empty(
    format(
        $$ select 1 from public.analytics_events where user_id = %L and event in ('this_week', 'two_years_behind') $$,
        :'alice_id'
    ),
    'the expired events are gone, whole weeks and the clock far behind alike'
);
select results_eq(
    format($$ select event from public.analytics_events where user_id = %L order by event $$, :'alice_id'),
    $$ values ('random_id'), ('three_weeks_ahead') $$,
    'events within the retention stay, and a random id stays with its far partition'
);
select ok(
    exists (select 1 from done where action like 'created events_w%'),
    'the same run makes the weeks ahead of its time'
);

-- postgres: a second run has nothing left to do
select is_empty(
    $$ select * from private.maintain_event_partitions(now() + interval '7 weeks') $$,
    'running the maintenance again changes nothing'
);

-- postgres: pg_cron's procedure drops one table per transaction, through at_most
update private.event_partition_settings set retention = interval '7 days';
select is(
    (select count(*)::integer from private.drop_expired_event_partitions(now() + interval '12 weeks', 1)),
    1,
    'with several weeks expired, at_most 1 drops exactly one'
);

-- postgres: the default of 13 months keeps a year-old week
update private.event_partition_settings set retention = interval '13 months';
insert into public.analytics_events (user_id, event_id, event)
values (tests.get_user_id('alice'), private.uuid_v7_lower_bound(now() + interval '4 weeks'), 'four_weeks_ahead');
select * from private.maintain_event_partitions(now() + interval '12 months');
select is(
    (select count(*)::integer from public.analytics_events where user_id = tests.get_user_id('alice') and event = 'four_weeks_ahead'),
    1,
    'under the default retention an event eleven months old is kept'
);

select * from finish();
rollback;
