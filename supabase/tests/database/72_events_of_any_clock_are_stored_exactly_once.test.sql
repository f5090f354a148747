-- Ids are partition keys, but a client's clock or id version must never lose an event or let a
-- retry store it twice: a random (v4) id, a phone's UUIDv7 a year behind, one a year ahead, and
-- one decades ahead each land in some partition once, and their retries stay duplicates.
begin;
select plan(8);

-- setup: alice, and one id of each kind
select tests.create_user('alice');
create temporary table clock_ids (kind text, event_id uuid);
insert into clock_ids
values
    ('random', 'e0000000-0000-4000-8000-00000000c0c0'),
    ('year_behind', private.uuid_v7_lower_bound(now() - interval '1 year')),
    ('year_ahead', private.uuid_v7_lower_bound(now() + interval '1 year')),
    ('decades_ahead', private.uuid_v7_lower_bound(now() + interval '30 years')),
    ('now', private.uuid_v7_lower_bound(now()));
grant select on clock_ids to authenticated;

-- owner: alice stores each once, in one batch
select tests.authenticate_as('alice');
select results_eq(
    $$
        insert into public.analytics_events (event_id, event)
        select c.event_id, c.kind from clock_ids as c
        on conflict (user_id, event_id) do nothing
        returning event
    $$,
    $$ values ('random'), ('year_behind'), ('year_ahead'), ('decades_ahead'), ('now') $$,
    'an event of every clock is stored'
);
select is_empty(
    $$
        insert into public.analytics_events (event_id, event)
        select c.event_id, c.kind || '_retry' from clock_ids as c
        on conflict (user_id, event_id) do nothing
        returning event
    $$,
    'retrying every one through the upsert stores nothing'
);
select throws_ok(
    $$ insert into public.analytics_events (event_id, event) select c.event_id, 'again' from clock_ids as c where c.kind = 'year_ahead' $$,
    '23505',
    'duplicate key value violates unique constraint "events_default_pkey"',
    'a plain retry of the id a year ahead is a duplicate'
);
select is(
    (select count(*)::integer from public.analytics_events),
    5,
    'alice has each event exactly once'
);

-- postgres: where each landed
reset role;
select is(
    (select e.tableoid::regclass::text from public.analytics_events as e where e.event = 'random'),
    'analytics_partitions.events_after',
    'a random id beyond the horizon lands in the far catch-all'
);
select is(
    (select e.tableoid::regclass::text from public.analytics_events as e where e.event = 'year_behind'),
    'analytics_partitions.events_before',
    'a clock a year behind lands in the catch-all before the first week'
);
select is(
    (select e.tableoid::regclass::text from public.analytics_events as e where e.event = 'year_ahead'),
    'analytics_partitions.events_default',
    'a clock a year ahead waits in the default partition until its week is made'
);
select is(
    (select e.tableoid::regclass::text from public.analytics_events as e where e.event = 'now'),
    'analytics_partitions.events_w' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD'),
    'an id of now lands in this week''s partition'
);

select * from finish();
rollback;
