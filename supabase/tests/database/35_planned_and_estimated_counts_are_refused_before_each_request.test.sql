-- PostgREST's planned and estimated counts come from table statistics over every user's rows, so
-- the db-pre-request refuses any request that asks for one, whatever its relation.
begin;
select plan(10);

-- structure: PostgREST runs the check before every request, and every API role may run it
select is(
    (
        select split_part(setting, '=', 2)
        from pg_catalog.pg_roles as r
        cross join unnest(r.rolconfig) as setting
        where r.rolname = 'authenticator'
            and setting like 'pgrst.db\_pre\_request=%'
    ),
    'pgrst_hooks.check_request',
    'the authenticator role names pgrst_hooks.check_request as PostgREST''s db-pre-request'
);
select ok(
    pg_catalog.has_function_privilege('anon', 'pgrst_hooks.check_request()', 'execute')
        and pg_catalog.has_function_privilege('authenticated', 'pgrst_hooks.check_request()', 'execute')
        and pg_catalog.has_function_privilege('service_role', 'pgrst_hooks.check_request()', 'execute'),
    'anon, authenticated and service_role can run the check'
);
select is(
    (
        select 'pgrst_hooks' = any (string_to_array(replace(split_part(setting, '=', 2), ' ', ''), ','))
        from pg_catalog.pg_roles as r
        cross join unnest(r.rolconfig) as setting
        where r.rolname = 'authenticator'
            and setting like 'pgrst.db\_schemas=%'
    ),
    false,
    'the hooks schema is not exposed as an API'
);

-- signed-in user: a planned or estimated count is refused in every spelling PostgREST reads
select tests.create_user('alice');
select tests.authenticate_as('alice');
select set_config('request.headers', '{"prefer": "count=planned"}', true);
select throws_ok(
    $$ select pgrst_hooks.check_request() $$,
    'PGRST',
    '{"code": "count_not_allowed", "hint": "Use Prefer: count=exact, which counts only the rows you can read", "details": null, "message": "Planned and estimated counts are not available: they come from statistics over every user''s rows"}',
    'Prefer: count=planned is refused with count_not_allowed'
);
select is(
    (tests.error_raised_by($$ select pgrst_hooks.check_request() $$) ->> 'detail')::jsonb,
    '{"status": 400, "status_text": "Bad Request", "headers": {}}'::jsonb,
    'PostgREST answers the refusal with HTTP 400'
);
select set_config('request.headers', '{"prefer": "count=estimated"}', true);
select throws_like($$ select pgrst_hooks.check_request() $$, '%count_not_allowed%', 'count=estimated is refused');
select set_config('request.headers', '{"prefer": "return=minimal, Count=Planned"}', true);
select throws_like(
    $$ select pgrst_hooks.check_request() $$,
    '%count_not_allowed%',
    'a planned count among other preferences, in any case, is refused'
);

-- signed-in user: exact counts, other preferences and no Prefer at all pass
select set_config('request.headers', '{"prefer": "count=exact"}', true);
select lives_ok($$ select pgrst_hooks.check_request() $$, 'count=exact, which counts under RLS, passes');
select set_config('request.headers', '{"prefer": "return=representation", "x-note": "planned"}', true);
select lives_ok($$ select pgrst_hooks.check_request() $$, 'the words alone, outside a count preference, pass');

-- anonymous: refused alike
select tests.clear_authentication();
select set_config('request.headers', '{"prefer": "count=planned"}', true);
select throws_like($$ select pgrst_hooks.check_request() $$, '%count_not_allowed%', 'anonymous callers are refused too');

select * from finish();
rollback;
