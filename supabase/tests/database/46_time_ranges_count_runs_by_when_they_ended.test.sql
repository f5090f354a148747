begin;
select plan(7);

-- setup: five of alice's extract runs end around three UTC midnights; run n takes n seconds
select tests.create_user('alice');
insert into public.jobs (id, user_id)
select format('a1a1a1a1-0000-4000-8000-00000000000%s', n)::uuid, tests.get_user_id('alice')
from generate_series(1, 5) as n;
insert into public.analytics_events (user_id, job_id, event, stage, occurred_at)
select
    tests.get_user_id('alice'),
    format('a1a1a1a1-0000-4000-8000-00000000000%s', r.n)::uuid,
    e.event,
    'extract',
    case when e.event = 'stage_started' then r.ended_at - r.n * interval '1 second' else r.ended_at end
from (
    values
        (1, '2026-01-01T23:00:00Z'::timestamptz, 'stage_completed'),
        (2, '2026-01-02T01:00:00Z'::timestamptz, 'stage_completed'),
        (3, '2026-01-02T12:00:00Z'::timestamptz, 'stage_failed'),
        (4, '2026-01-03T00:00:00Z'::timestamptz, 'stage_completed'),
        (5, '2026-01-04T06:00:00Z'::timestamptz, 'stage_completed')
) as r (n, ended_at, ending)
cross join lateral (values ('stage_started'), (r.ending)) as e (event);

-- owner: alice asks for ranges
select tests.authenticate_as('alice');
select results_eq(
    $$
        select stage, completed_count, failed_count, abs(p50_ms / 1000 - 1) <= 0.01, abs(p95_ms / 2000 - 1) <= 0.01
        from public.stage_latency_in_range('2026-01-01T22:00:00Z', '2026-01-02T22:00:00Z')
    $$,
    $$ values ('extract'::text, 2::bigint, 1::bigint, true, true) $$,
    'a 24 h range across midnight counts exactly the runs that ended in it, with p50 and p95 within 1%'
);
select results_eq(
    $$ select completed_count, failed_count from public.stage_latency_in_range('2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z') $$,
    $$ values (1::bigint, 1::bigint) $$,
    'a whole UTC day includes its midnight and excludes the next'
);
select results_eq(
    $$
        select completed_count, failed_count, abs(p50_ms / 2000 - 1) <= 0.01, abs(p95_ms / 4000 - 1) <= 0.01
        from public.stage_latency_in_range('2026-01-01T23:30:00Z', '2026-01-04T06:00:00Z')
    $$,
    $$ values (2::bigint, 1::bigint, true, true) $$,
    'a range of partial and whole days counts each run once and excludes a run ending at until'
);
select results_eq(
    $$ select completed_count, failed_count from public.stage_latency_in_range('2026-01-02T00:30:00Z', '2026-01-02T11:00:00Z') $$,
    $$ values (1::bigint, 0::bigint) $$,
    'a range within one day counts the runs that ended in it'
);
select is_empty(
    $$ select 1 from public.stage_latency_in_range('2026-01-05T00:00:00Z') $$,
    'a range with no ended run returns no row'
);
select results_eq(
    $$ select day, completed_count, failed_count from public.stage_latency_trend('2026-01-01T00:00:00Z', '2026-01-05T00:00:00Z') $$,
    $$
        values
            ('2026-01-01'::date, 1::bigint, 0::bigint),
            ('2026-01-02'::date, 1::bigint, 1::bigint),
            ('2026-01-03'::date, 1::bigint, 0::bigint),
            ('2026-01-04'::date, 1::bigint, 0::bigint)
    $$,
    'the trend has one row per UTC day with ended runs, in day order'
);
select results_eq(
    $$ select day, completed_count from public.stage_latency_trend('2026-01-02T06:00:00Z', '2026-01-03T00:00:01Z') $$,
    $$ values ('2026-01-02'::date, 0::bigint), ('2026-01-03'::date, 1::bigint) $$,
    'the trend''s first and last days count only the part of them inside the range'
);

select * from finish();
rollback;
