begin;
select plan(10);

-- setup: alice and bob, each with a job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (id, user_id)
values
    ('a2a2a2a2-0000-4000-8000-000000000001', tests.get_user_id('alice')),
    ('b2b2b2b2-0000-4000-8000-000000000001', tests.get_user_id('bob'));

-- owner: alice tries to change the id of her own job, to bob's id and to an unused one
select tests.authenticate_as('alice');
select throws_ok(
    $$ update public.jobs set id = 'b2b2b2b2-0000-4000-8000-000000000001' where id = 'a2a2a2a2-0000-4000-8000-000000000001' $$,
    '42501',
    'permission denied for table jobs',
    'a user cannot change their job''s id to an id that exists'
);
select throws_ok(
    $$ update public.jobs set id = 'c2c2c2c2-0000-4000-8000-000000000001' where id = 'a2a2a2a2-0000-4000-8000-000000000001' $$,
    '42501',
    'permission denied for table jobs',
    'a user changing their job''s id to an unused id gets the same answer: no oracle for other users'' ids'
);

-- owner: alice tries to change the owner of her own job
select throws_ok(
    format(
        $$ update public.jobs set user_id = %L where id = 'a2a2a2a2-0000-4000-8000-000000000001' $$,
        tests.get_user_id('bob')
    ),
    '42501',
    'permission denied for table jobs',
    'a user cannot hand their job over to another user'
);
select throws_ok(
    format(
        $$ update public.jobs set user_id = %L where id = 'a2a2a2a2-0000-4000-8000-000000000001' $$,
        tests.get_user_id('alice')
    ),
    '42501',
    'permission denied for table jobs',
    'a user cannot write user_id at all, not even their own id'
);

-- owner: the other columns stay writable
select results_eq(
    $$
        update public.jobs
        set name = 'renamed', status = 'running', updated_at = '2026-11-27 10:00:00+00'
        where id = 'a2a2a2a2-0000-4000-8000-000000000001'
        returning name, status, updated_at
    $$,
    $$ values ('renamed'::text, 'running'::text, '2026-11-27 10:00:00+00'::timestamptz) $$,
    'a user can still change the name, status and timestamps of their job'
);
select results_eq(
    $$ select id, user_id from public.jobs $$,
    format($$ values ('a2a2a2a2-0000-4000-8000-000000000001'::uuid, %L::uuid) $$, tests.get_user_id('alice')),
    'alice''s job keeps its id and owner'
);
select lives_ok(
    format(
        $$ insert into public.jobs (id, user_id) values ('a2a2a2a2-0000-4000-8000-000000000002', %L) $$,
        tests.get_user_id('alice')
    ),
    'a user can still create a job with an id of their choosing'
);

-- service role: trusted workers may still move a job and renumber it
select tests.authenticate_as_service_role();
select lives_ok(
    format(
        $$ update public.jobs set user_id = %L where id = 'a2a2a2a2-0000-4000-8000-000000000001' $$,
        tests.get_user_id('bob')
    ),
    'the service role can give a job to another user'
);
select lives_ok(
    $$ update public.jobs set id = 'c2c2c2c2-0000-4000-8000-000000000002' where id = 'a2a2a2a2-0000-4000-8000-000000000002' $$,
    'the service role can change a job''s id'
);
select results_eq(
    $$ select count(*)::int from public.jobs where user_id = tests.get_user_id('bob') $$,
    $$ values (2) $$,
    'bob now owns his job and the one moved to him'
);

select * from finish();
rollback;
