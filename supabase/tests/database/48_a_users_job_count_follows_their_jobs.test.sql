begin;
select plan(11);

-- setup: alice and bob, bob with one job
select tests.create_user('alice');
select tests.create_user('bob');
insert into public.jobs (user_id, name) values (tests.get_user_id('bob'), 'bob''s');

-- alice: creates jobs in two statements, deletes two, renames the rest
select tests.authenticate_as('alice');
insert into public.jobs (user_id, name)
select tests.get_user_id('alice'), 'first ' || n from generate_series(1, 3) as n;
insert into public.jobs (user_id, name)
select tests.get_user_id('alice'), 'second ' || n from generate_series(1, 2) as n;
select is(
    (select jobs from public.job_counts),
    5::bigint,
    'alice''s count holds the jobs of both her statements'
);
delete from public.jobs where name in ('first 1', 'second 2');
select is((select jobs from public.job_counts), 3::bigint, 'deleted jobs leave her count');
update public.jobs set name = name || ' (renamed)';
select is((select jobs from public.job_counts), 3::bigint, 'renaming her jobs leaves her count as it is');

-- bob: sees his own count only, and can write none
select tests.authenticate_as('bob');
select results_eq(
    $$ select user_id, jobs from public.job_counts $$,
    $$ values (tests.get_user_id('bob'), 1::bigint) $$,
    'bob sees his own count and not alice''s'
);
select is(
    (select count(*)::integer from rollups.job_counts where user_id = tests.get_user_id('alice')),
    0,
    'bob cannot read alice''s count from the table either'
);
select throws_ok(
    $$ update public.job_counts set jobs = 1000 $$,
    '42501',
    null,
    'bob cannot change his count through the view'
);
select throws_ok(
    $$ insert into rollups.job_counts (user_id, jobs) values (tests.get_user_id('bob'), 1000) $$,
    '42501',
    null,
    'bob cannot write the counts table'
);

-- anon: reads no count
select tests.clear_authentication();
select throws_ok(
    $$ select * from public.job_counts $$,
    '42501',
    null,
    'anon cannot read job counts'
);
reset role;

-- service role: moves one of alice's jobs to bob
select tests.authenticate_as_service_role();
update public.jobs set user_id = tests.get_user_id('bob') where name = 'first 2 (renamed)';
reset role;
select results_eq(
    $$ select c.user_id, c.jobs from rollups.job_counts as c order by c.jobs, c.user_id $$,
    $$
        select j.user_id, count(*)
        from public.jobs as j
        group by j.user_id
        order by count(*), j.user_id
    $$,
    'after the move, every count equals the user''s jobs'
);

-- postgres: an operator deletes bob's account, then empties the jobs table
delete from auth.users where id = tests.get_user_id('bob');
select is(
    (select count(*)::integer from rollups.job_counts where user_id not in (select id from auth.users)),
    0,
    'a deleted user''s count goes with them'
);
set local client_min_messages = warning;
truncate public.jobs cascade;
select is((select count(*)::integer from rollups.job_counts), 0, 'a truncated jobs table leaves no count');

select * from finish();
rollback;
