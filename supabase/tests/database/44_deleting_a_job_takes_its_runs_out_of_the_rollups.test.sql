begin;
select plan(6);

-- setup: alice has two jobs whose extract completed, in 1 s and in 3 s
select tests.create_user('alice');
insert into public.jobs (id, user_id)
values
    ('a1a1a1a1-0000-4000-8000-000000000001', tests.get_user_id('alice')),
    ('a1a1a1a1-0000-4000-8000-000000000002', tests.get_user_id('alice'));
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
values
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_started', 'extract', '2026-01-01T10:00:00Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000001', 'stage_completed', 'extract', '2026-01-01T10:00:01Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_started', 'extract', '2026-01-01T10:00:00Z'),
    (tests.get_user_id('alice'), 'a1a1a1a1-0000-4000-8000-000000000002', 'stage_completed', 'extract', '2026-01-01T10:00:03Z');

-- owner: alice deletes job 2
select tests.authenticate_as('alice');
delete from public.jobs where id = 'a1a1a1a1-0000-4000-8000-000000000002';
select results_eq(
    $$ select job_id from public.job_stage_latency $$,
    $$ values ('a1a1a1a1-0000-4000-8000-000000000001'::uuid) $$,
    'the deleted job''s stages are gone from job_stage_latency'
);
select results_eq(
    $$ select completed_count, abs(p95_ms / 1000 - 1) <= 0.01 from public.stage_latency_summary $$,
    $$ values (1::bigint, true) $$,
    'the summary no longer counts the deleted job''s run'
);
select results_eq(
    $$ select completed_count from public.stage_latency_in_range('2026-01-01', '2026-01-02') $$,
    $$ values (1::bigint) $$,
    'the range no longer counts the deleted job''s run'
);
select results_eq(
    $$ select count(*)::integer from public.analytics_events where job_id is null $$,
    $$ values (2) $$,
    'the deleted job''s events stay, with their job_id cleared'
);

-- postgres: what is left equals a rebuild from the raw events
reset role;
create temporary table before_rebuild on commit drop as
select 'totals' as kind, stage, status, bucket, sum(runs) as runs
from rollups.stage_latency_totals
where user_id = tests.get_user_id('alice')
group by stage, status, bucket
having sum(runs) <> 0
union all
select 'days', stage, status, bucket, sum(runs)
from rollups.stage_latency_days
where user_id = tests.get_user_id('alice')
group by stage, status, bucket
having sum(runs) <> 0
union all
select 'blocks', stage, status, block, sum(runs)
from rollups.stage_latency_day_blocks
where user_id = tests.get_user_id('alice')
group by stage, status, block
having sum(runs) <> 0;
select rollups.rebuild_stage_rollups(tests.get_user_id('alice'));
select set_eq(
    $$ select * from before_rebuild $$,
    $$
        select 'totals', stage, status, bucket, sum(runs)
        from rollups.stage_latency_totals
        where user_id = tests.get_user_id('alice')
        group by 1, 2, 3, 4
        union all
        select 'days', stage, status, bucket, sum(runs)
        from rollups.stage_latency_days
        where user_id = tests.get_user_id('alice')
        group by 1, 2, 3, 4
        union all
        select 'blocks', stage, status, block, sum(runs)
        from rollups.stage_latency_day_blocks
        where user_id = tests.get_user_id('alice')
        group by 1, 2, 3, 4
        having sum(runs) <> 0
    $$,
    'after the delete, the histograms equal a rebuild from the raw events'
);
select is(
    (select count(*)::integer from rollups.job_stages where user_id = tests.get_user_id('alice')),
    1,
    'a rebuild finds no job stage for the unlinked events either'
);

select * from finish();
rollback;
