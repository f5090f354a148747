-- A token that outlives its user: the ownership pre-check answers PT401 (HTTP 401 through
-- PostgREST), not an empty list that the function would turn into 403 job_not_owned.
begin;
select plan(7);

select tests.create_user('owner');
select tests.create_user('leaver');

insert into public.jobs (id, user_id)
values
    ('aaaaaaaa-0000-4000-8000-000000000022', tests.get_user_id('owner')),
    ('bbbbbbbb-0000-4000-8000-000000000022', tests.get_user_id('leaver'));

-- The leaver's claims, kept before the user (and with it the job) is deleted.
create temporary table leaver_claims on commit drop as
select json_build_object('sub', tests.get_user_id('leaver'), 'role', 'authenticated')::text as claims;
grant select on leaver_claims to authenticated;

delete from auth.users where id = tests.get_user_id('leaver');

-- leaver, with a token that is still valid
select set_config('request.jwt.claims', (select claims from leaver_claims), true);
set local role authenticated;

select throws_ok(
    $$ select * from public.visible_job_ids(array['bbbbbbbb-0000-4000-8000-000000000022']::uuid[]) $$,
    'PT401',
    'The user of this access token no longer exists',
    'a deleted user asking about their former job is told the token stands for nobody'
);

select throws_ok(
    $$ select * from public.visible_job_ids(array['aaaaaaaa-0000-4000-8000-000000000022']::uuid[]) $$,
    'PT401',
    'The user of this access token no longer exists',
    'a deleted user asking about someone else''s job is told the same, and nothing about the job'
);

-- owner
select tests.authenticate_as('owner');

select results_eq(
    $$ select id from public.visible_job_ids(array[
        'aaaaaaaa-0000-4000-8000-000000000022',
        'cccccccc-0000-4000-8000-000000000022'
    ]::uuid[]) $$,
    $$ values ('aaaaaaaa-0000-4000-8000-000000000022'::uuid) $$,
    'an existing user naming a missing job still just gets the visible ones, no error'
);

select throws_ok(
    $$ select internal.caller_exists() from auth.users $$,
    '42501',
    'permission denied for table users',
    'the helper answers only about the caller: users still cannot read auth.users'
);

-- service role
select tests.authenticate_as_service_role();

select is(
    (select count(*) from public.visible_job_ids(array['cccccccc-0000-4000-8000-000000000022']::uuid[]))::int,
    0,
    'the service role (no user) naming a missing job gets an empty list, not a 401'
);

select set_config('request.jwt.claims', json_build_object(
    'role', 'service_role', 'sub', tests.get_user_id('owner')
)::text, true);
select is(
    (select count(*) from public.visible_job_ids(array['cccccccc-0000-4000-8000-000000000022']::uuid[]))::int,
    0,
    'a service-role token that carries a sub gets an empty list too, not a permission error'
);

-- structure
reset role;

select function_privs_are(
    'internal', 'caller_exists', array[]::text[], 'anon', array[]::text[],
    'anonymous callers cannot run the helper'
);

select * from finish();
rollback;
