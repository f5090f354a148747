-- Test helpers, in the shape of usebasejump/supabase-test-helpers but written here so that they
-- install offline. They are created outside any transaction, so they outlive this file and every
-- later file (each runs in its own connection) can use them. They live in schema `tests`, never in
-- `public`, and PostgREST does not expose that schema.

create schema if not exists tests;

-- Tests switch to anon, authenticated and service_role before calling the helpers.
grant usage on schema tests to anon, authenticated, service_role;

-- Creates a user in auth.users whose name is kept in its metadata, and returns its id.
create or replace function tests.create_user(name text)
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
    new_id uuid := gen_random_uuid();
begin
    insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    values (
        new_id,
        'authenticated',
        'authenticated',
        name || '@test.invalid',
        '{"provider": "email", "providers": ["email"]}'::jsonb,
        jsonb_build_object('test_identifier', name),
        now(),
        now()
    );
    return new_id;
end;
$$;

-- Only the superuser running the tests creates users, before switching roles.
revoke all on function tests.create_user(text) from public, anon, authenticated, service_role;

-- Looks a test user up by name. Security definer because the roles under test cannot read auth.users.
create or replace function tests.get_user_id(name text)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    found_id uuid;
begin
    select u.id
    into found_id
    from auth.users as u
    where u.raw_user_meta_data ->> 'test_identifier' = get_user_id.name
    order by u.created_at desc
    limit 1;

    if found_id is null then
        raise exception 'test user "%" not found; create it with tests.create_user first', name;
    end if;

    return found_id;
end;
$$;

-- Called after a switch to any API role.
revoke all on function tests.get_user_id(text) from public;
grant execute on function tests.get_user_id(text) to anon, authenticated, service_role;

-- Acts as a signed-in user for the rest of the transaction, as PostgREST does for a user's token.
create or replace function tests.authenticate_as(name text)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
    user_id uuid := tests.get_user_id(name);
begin
    perform set_config(
        'request.jwt.claims',
        jsonb_build_object(
            'sub', user_id,
            'role', 'authenticated',
            'email', name || '@test.invalid',
            'aud', 'authenticated'
        )::text,
        true
    );
    perform set_config('role', 'authenticated', true);
end;
$$;

-- Called after a switch to any API role.
revoke all on function tests.authenticate_as(text) from public;
grant execute on function tests.authenticate_as(text) to anon, authenticated, service_role;

-- Acts as a trusted backend worker holding the service_role key for the rest of the transaction.
create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
    perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
    perform set_config('role', 'service_role', true);
end;
$$;

-- Called after a switch to any API role.
revoke all on function tests.authenticate_as_service_role() from public;
grant execute on function tests.authenticate_as_service_role() to anon, authenticated, service_role;

-- Acts as a caller without a user token (the anon key) for the rest of the transaction.
create or replace function tests.clear_authentication()
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
    perform set_config('request.jwt.claims', '', true);
    perform set_config('role', 'anon', true);
end;
$$;

-- Called after a switch to any API role.
revoke all on function tests.clear_authentication() from public;
grant execute on function tests.clear_authentication() to anon, authenticated, service_role;

-- Runs a statement and returns the error it raised as {sqlstate, message, detail}, or null. For
-- errors whose detail matters too, such as PostgREST's custom errors (status and headers).
create or replace function tests.error_raised_by(statement text)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
    raised_state text;
    raised_message text;
    raised_detail text;
begin
    execute statement;
    return null;
exception when others then
    get stacked diagnostics
        raised_state = returned_sqlstate,
        raised_message = message_text,
        raised_detail = pg_exception_detail;
    return jsonb_build_object('sqlstate', raised_state, 'message', raised_message, 'detail', raised_detail);
end;
$$;

-- Called after a switch to any API role; it runs the statement with the caller's own rights.
revoke all on function tests.error_raised_by(text) from public;
grant execute on function tests.error_raised_by(text) to anon, authenticated, service_role;

begin;
select plan(12);

select has_function('tests', 'create_user', array['text'], 'tests.create_user(name) exists');
select has_function('tests', 'get_user_id', array['text'], 'tests.get_user_id(name) exists');
select has_function('tests', 'authenticate_as', array['text'], 'tests.authenticate_as(name) exists');
select has_function('tests', 'authenticate_as_service_role', 'tests.authenticate_as_service_role() exists');
select has_function('tests', 'clear_authentication', 'tests.clear_authentication() exists');
select has_function('tests', 'error_raised_by', array['text'], 'tests.error_raised_by(statement) exists');

-- owner
select tests.create_user('helper_check');
select tests.authenticate_as('helper_check');
select is(
    (select auth.uid()),
    tests.get_user_id('helper_check'),
    'authenticate_as makes auth.uid() return the named user''s id'
);
select is(current_user::text, 'authenticated', 'authenticate_as switches to the authenticated role');

-- service role
select tests.authenticate_as_service_role();
select is(current_user::text, 'service_role', 'authenticate_as_service_role switches to the service_role role');

-- anonymous
select tests.clear_authentication();
select ok(
    current_user::text = 'anon' and (select auth.uid()) is null,
    'clear_authentication switches to anon with no user'
);

-- any role: an error comes back with its code, message and detail; success is null
select is(
    tests.error_raised_by($x$ select 1 / 0 $x$) ->> 'sqlstate',
    '22012',
    'error_raised_by returns the SQLSTATE of the error a statement raised'
);
select is(tests.error_raised_by('select 1'), null, 'error_raised_by returns null when the statement succeeds');

select * from finish();
rollback;
