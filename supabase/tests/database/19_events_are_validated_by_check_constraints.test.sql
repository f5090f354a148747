begin;
select plan(12);

-- Constraints are checked in the partition a row lands in, and its name is in the message: events
-- with default ids land in this week's partition.
select 'events_w' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD') as week_partition \gset

-- setup: alice
select tests.create_user('alice');

-- owner: alice sends malformed events directly, bypassing the function's validation
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) values ('') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_event_length"', :'week_partition'),
    'an empty event name is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values (repeat('x', 129)) $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_event_length"', :'week_partition'),
    'an event name over 128 characters is refused'
);
select lives_ok(
    $$ insert into public.analytics_events (event) values (repeat('é', 128)) $$,
    'an event name of 128 multibyte characters is accepted'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values (E'page\nview') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_event_no_control_characters"', :'week_partition'),
    'an event name with a control character is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, stage) values ('stage_started', '') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_stage_length"', :'week_partition'),
    'an empty stage is refused; absent stages are null'
);
select throws_ok(
    $$ insert into public.analytics_events (event, stage) values ('stage_started', repeat('s', 65)) $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_stage_length"', :'week_partition'),
    'a stage over 64 characters is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, stage) values ('stage_started', E'ex\ttract') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_stage_no_control_characters"', :'week_partition'),
    'a stage with a control character is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, properties) values ('page_view', '[1, 2]') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_properties_is_object"', :'week_partition'),
    'properties that are not an object are refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, properties) values ('page_view', 'null') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_properties_is_object"', :'week_partition'),
    'a JSON null is not accepted as properties'
);
select throws_ok(
    $$ insert into public.analytics_events (event, properties) values ('page_view', jsonb_build_object('blob', repeat('x', 32768))) $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_properties_size"', :'week_partition'),
    'properties over 32 KiB are refused'
);
select lives_ok(
    $$ insert into public.analytics_events (event, stage, properties) values ('page_view', repeat('s', 64), jsonb_build_object('blob', repeat('x', 32000))) $$,
    'a 64-character stage and properties under 32 KiB are accepted'
);
select is(
    (select count(*)::integer from public.analytics_events),
    2,
    'only the two valid events were stored'
);

select * from finish();
rollback;
