begin;
select plan(7);

-- setup: alice
select tests.create_user('alice');

-- owner: alice sends context directly, bypassing the function's validation
select tests.authenticate_as('alice');
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', '[1, 2]') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_context_is_object"',
    'a context that is an array is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', '"web"') $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_context_is_object"',
    'a context that is a string is refused'
);
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', null) $$,
    '23502',
    'null value in column "context" of relation "analytics_events" violates not-null constraint',
    'a null context is refused; an absent one is {}'
);
select throws_ok(
    $$ insert into public.analytics_events (event, context) values ('page_view', jsonb_build_object('blob', repeat('x', 8192))) $$,
    '23514',
    'new row for relation "analytics_events" violates check constraint "analytics_events_context_size"',
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
