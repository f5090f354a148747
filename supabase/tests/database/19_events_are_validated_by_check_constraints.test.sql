begin;
select plan(12);

-- setup: alice
select tests.create_user('alice');

-- owner: alice sends malformed events directly, bypassing the function's validation
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event) values ('') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_event_length"',
    'an empty event name is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values (repeat('x', 129)) $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_event_length"',
    'an event name over 128 characters is refused'
);
select lives_ok(
    $$ insert into public.analytics_events (event) values (repeat('é', 128)) $$,
    'an event name of 128 multibyte characters is accepted'
);
select throws_ok(
    $$ insert into public.analytics_events (event) values (E'page\nview') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_event_no_control_characters"',
    'an event name with a control character is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, stage) values ('stage_started', '') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_stage_length"',
    'an empty stage is refused; absent stages are null'
);
select throws_ok(
    $$ insert into public.analytics_events (event, stage) values ('stage_started', repeat('s', 65)) $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_stage_length"',
    'a stage over 64 characters is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, stage) values ('stage_started', E'ex\ttract') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_stage_no_control_characters"',
    'a stage with a control character is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, properties) values ('page_view', '[1, 2]') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_properties_is_object"',
    'properties that are not an object are refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, properties) values ('page_view', 'null') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_properties_is_object"',
    'a JSON null is not accepted as properties'
);
select throws_ok(
    $$ insert into public.analytics_events (event, properties) values ('page_view', jsonb_build_object('blob', repeat('x', 32768))) $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_properties_size"',
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
