begin;
select plan(6);

-- setup: alice with an event
select tests.create_user('alice');
insert into public.analytics_events (user_id, event_id, event)
values (tests.get_user_id('alice'), 'e0000000-0000-4000-8000-000000000001', 'page_view');

-- owner: alice tries to rewrite her own history
select tests.authenticate_as('alice');
select throws_ok(
    $$ update public.analytics_events set event = 'tampered' $$,
    '42501',
    'permission denied for table analytics_events',
    'a user cannot update their own events'
);
select throws_ok(
    $$ delete from public.analytics_events $$,
    '42501',
    'permission denied for table analytics_events',
    'a user cannot delete their own events'
);
select throws_ok(
    $$ truncate public.analytics_events $$,
    '42501',
    'permission denied for table analytics_events',
    'a user cannot truncate events'
);
select throws_ok(
    $$
        insert into public.analytics_events (event_id, event)
        values ('e0000000-0000-4000-8000-000000000001', 'tampered')
        on conflict (user_id, event_id) do update set event = excluded.event
    $$,
    '42501',
    'permission denied for table analytics_events',
    'a user cannot overwrite an event through an upsert'
);
select throws_ok(
    $$ select setval('public.analytics_events_id_seq', 1) $$,
    '42501',
    'permission denied for sequence analytics_events_id_seq',
    'a user cannot reset the identity sequence'
);
select results_eq(
    $$ select event from public.analytics_events $$,
    $$ values ('page_view'::text) $$,
    'the event is unchanged'
);

select * from finish();
rollback;
