begin;
select plan(5);

-- setup: alice with a job that has a completed stage
select tests.create_user('alice');
insert into public.jobs (id, user_id, name)
values ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice'), 'alice job');
insert into public.analytics_events (user_id, job_id, event_id, event, stage, occurred_at)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T00:00:00.000Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'stage_completed', 'extract', '2026-01-01T00:00:00.100Z');

-- owner: alice deletes her job
select tests.authenticate_as('alice');
select results_eq(
    $$ delete from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000001' returning id $$,
    $$ values ('a1a1a1a1-0000-4000-8000-000000000001'::uuid) $$,
    'a user can delete their own job even though events point at it'
);
select results_eq(
    $$ select event_id, job_id, user_id from public.analytics_events order by event_id $$,
    $$
        values
            ('e0000000-0000-4000-8000-000000000001'::uuid, null::uuid, tests.get_user_id('alice')),
            ('e0000000-0000-4000-8000-000000000002'::uuid, null::uuid, tests.get_user_id('alice'))
    $$,
    'the job''s events are kept, still owned by alice, with job_id cleared'
);
select is_empty(
    $$ select job_id from public.job_stage_latency $$,
    'the deleted job no longer appears in job_stage_latency'
);
select lives_ok(
    $$ insert into public.analytics_events (event) values ('page_view') $$,
    'alice can keep writing events after deleting the job'
);
select throws_ok(
    $$
        insert into public.analytics_events (job_id, event)
        values ('a1a1a1a1-0000-4000-8000-000000000001', 'stage_started')
    $$,
    '42501',
    'new row violates row-level security policy for table "analytics_events"',
    'the deleted job can no longer be referenced'
);

select * from finish();
rollback;
