begin;
select plan(11);

-- setup: alice and bob
select tests.create_user('alice');
select tests.create_user('bob');

-- owner: alice manages her jobs
select tests.authenticate_as('alice');
select lives_ok(
    format(
        $$ insert into public.jobs (id, user_id) values ('a1a1a1a1-0000-4000-8000-000000000001', %L) $$,
        tests.get_user_id('alice')
    ),
    'a user can create a job from just an id and their user_id'
);
select results_eq(
    $$ select name, status from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000001' $$,
    $$ values ('untitled'::text, 'pending'::text) $$,
    'the other job columns take their defaults'
);
select results_eq(
    $$ update public.jobs set name = 'renamed' where id = 'a1a1a1a1-0000-4000-8000-000000000001' returning name $$,
    $$ values ('renamed'::text) $$,
    'a user can rename their own job'
);
select throws_ok(
    format(
        $$ update public.jobs set user_id = %L where id = 'a1a1a1a1-0000-4000-8000-000000000001' $$,
        tests.get_user_id('bob')
    ),
    '42501',
    'permission denied for table jobs',
    'a user cannot hand their job over to another user'
);

-- stranger: bob goes after alice's job
select tests.authenticate_as('bob');
select is_empty(
    $$ select id from public.jobs $$,
    'bob cannot see alice''s job'
);
select is_empty(
    $$ update public.jobs set name = 'hijacked' where id = 'a1a1a1a1-0000-4000-8000-000000000001' returning id $$,
    'bob cannot update alice''s job'
);
select is_empty(
    $$ delete from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000001' returning id $$,
    'bob cannot delete alice''s job'
);
select throws_ok(
    format(
        $$ insert into public.jobs (id, user_id) values (gen_random_uuid(), %L) $$,
        tests.get_user_id('alice')
    ),
    '42501',
    'new row violates row-level security policy for table "jobs"',
    'bob cannot create a job in alice''s name'
);
select throws_ok(
    $$ insert into public.jobs (id, user_id) values ('a1a1a1a1-0000-4000-8000-000000000001', (select auth.uid())) $$,
    '23505',
    'duplicate key value violates unique constraint "jobs_pkey"',
    'bob cannot take over alice''s job id by inserting it for himself'
);

-- owner: alice's job is intact
select tests.authenticate_as('alice');
select results_eq(
    format(
        $$ select user_id, name from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000001' $$
    ),
    format(
        $$ values (%L::uuid, 'renamed'::text) $$,
        tests.get_user_id('alice')
    ),
    'alice''s job still belongs to her, with her name'
);
select lives_ok(
    $$ delete from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000001' $$,
    'alice can delete her own job'
);

select * from finish();
rollback;
