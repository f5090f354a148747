-- public.visible_job_ids, the function's ownership pre-check: a caller learns only about their
-- own jobs; a stranger's job and a job that does not exist are both simply absent.
begin;
select plan(5);

select tests.create_user('owner');
select tests.create_user('stranger');

insert into public.jobs (id, user_id)
values
    ('aaaaaaaa-0000-4000-8000-000000000021', tests.get_user_id('owner')),
    ('bbbbbbbb-0000-4000-8000-000000000021', tests.get_user_id('stranger'));

-- owner
select tests.authenticate_as('owner');

select results_eq(
    $$ select id from public.visible_job_ids(array[
        'aaaaaaaa-0000-4000-8000-000000000021',
        'bbbbbbbb-0000-4000-8000-000000000021',
        'cccccccc-0000-4000-8000-000000000021'
    ]::uuid[]) $$,
    $$ values ('aaaaaaaa-0000-4000-8000-000000000021'::uuid) $$,
    'the owner sees only her own job among hers, a stranger''s and a missing one'
);

-- stranger
select tests.authenticate_as('stranger');

select results_eq(
    $$ select id from public.visible_job_ids(array['aaaaaaaa-0000-4000-8000-000000000021']::uuid[]) $$,
    $$ select null::uuid where false $$,
    'a stranger learns nothing about the owner''s job'
);

select is(
    (select count(*) from public.visible_job_ids(array(
        select gen_random_uuid() from generate_series(1, 500)
    )))::int,
    0,
    'five hundred ids, none the caller''s, come back empty'
);

-- anonymous
select tests.clear_authentication();

select throws_ok(
    $$ select * from public.visible_job_ids(array['aaaaaaaa-0000-4000-8000-000000000021']::uuid[]) $$,
    '42501',
    'permission denied for function visible_job_ids',
    'anonymous callers cannot execute it'
);

-- structure
reset role;

select function_privs_are(
    'public', 'visible_job_ids', array['uuid[]'], 'authenticated', array['EXECUTE'],
    'signed-in users may execute it, and nothing else'
);

select * from finish();
rollback;
