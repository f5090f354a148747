begin;
select plan(7);

-- Constraints are checked in the partition a row lands in, and its name is in the message: events
-- with default ids land in this week's partition.
select 'events_w' || to_char(date_trunc('week', now() at time zone 'UTC'), 'YYYYMMDD') as week_partition \gset

-- setup: alice
select tests.create_user('alice');

-- owner: alice sends context directly, bypassing the function's validation
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', '[1, 2]') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_context_is_object"', :'week_partition'),
    'a context that is an array is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', '"web"') $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_context_is_object"', :'week_partition'),
    'a context that is a string is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', null) $$,
    '23502',
    format('null value in column "context" of relation "%s" violates not-null constraint', :'week_partition'),
    'a null context is refused; an absent one is {}'
);
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', jsonb_build_object('blob', repeat('x', 8192))) $$,
    '23514',
    format('new row for relation "%s" violates check constraint "analytics_events_context_size"', :'week_partition'),
    'a context over 8 KiB is refused'
);
select lives_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', jsonb_build_object('blob', repeat('x', 8180))) $$,
    'a context just under 8 KiB is accepted'
);
select lives_ok(
    $$ insert into public.analytics_events (event) values ('page_view') $$,
    'an event without context is accepted'
);
select results_eq(
    $$ select context from public.analytics_events order by id $$,
    $$ values (jsonb_build_object('blob', repeat('x', 8180))), ('{}'::jsonb) $$,
    'the stored contexts are the one sent and the empty default'
);

select * from finish();
rollback;
