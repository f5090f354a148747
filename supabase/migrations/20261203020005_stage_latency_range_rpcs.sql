-- Stage latency over a time range and per day, for the dashboard's range picker and trend chart.
-- Runs count by when they ended (ended_at), in [since, until). Whole UTC days inside the range come
-- from the daily histograms; the parts of the first and last day from the job-stage rows that
-- ended there, so a 24 h range is exact and a 90 d one still reads O(days x stages) histogram rows.

-- The ended runs of the caller in [since, until) as (day, stage, status, bucket, runs), merged by
-- the two RPCs. Security invoker: the rollups' RLS narrows it to the caller.
create function rollups.ended_runs_in_range(since timestamptz, until timestamptz)
returns table (day date, stage text, status text, bucket integer, runs bigint)
language sql
stable
security invoker
set search_path = ''
as $$
    with bounds as (
        select
            rollups.run_day(since)
                + case when since = rollups.run_day(since)::timestamp at time zone 'UTC' then 0 else 1 end
                as first_full_day,
            rollups.run_day(until) as after_full_days
    ),
    edges as (
        select
            b.first_full_day,
            b.after_full_days,
            b.first_full_day::timestamp at time zone 'UTC' as first_full_at,
            b.after_full_days::timestamp at time zone 'UTC' as after_full_at
        from bounds as b
    )
    select d.day, d.stage, d.status, d.bucket, d.runs
    from rollups.stage_latency_days as d
    cross join edges as g
    where d.user_id = (select auth.uid())
        and d.day >= g.first_full_day
        and d.day < g.after_full_days
    union all
    select rollups.run_day(s.ended_at), s.stage, s.status, rollups.run_bucket(s.started_at, s.ended_at), 1
    from rollups.job_stages as s
    cross join edges as g
    where s.user_id = (select auth.uid())
        and s.ended_at >= since
        and s.ended_at < least(until, g.first_full_at)
    union all
    select rollups.run_day(s.ended_at), s.stage, s.status, rollups.run_bucket(s.started_at, s.ended_at), 1
    from rollups.job_stages as s
    cross join edges as g
    where s.user_id = (select auth.uid())
        and g.first_full_day <= g.after_full_days
        and s.ended_at >= greatest(since, g.after_full_at)
        and s.ended_at < until
$$;

-- Called by the RPCs below as the reader.
revoke execute on function rollups.ended_runs_in_range(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.ended_runs_in_range(timestamptz, timestamptz) to authenticated, service_role;

-- Per stage, the caller's runs that ended in [since, until): completed and failed counts, and the
-- completed runs' p50 and p95 (nearest rank, within 1%). POST or GET /rest/v1/rpc/stage_latency_in_range.
create function public.stage_latency_in_range(since timestamptz, until timestamptz default now())
returns table (
    stage text,
    completed_count bigint,
    failed_count bigint,
    p50_ms double precision,
    p95_ms double precision
)
language sql
stable
security invoker
set search_path = ''
as $$
    select
        r.stage,
        coalesce(sum(r.runs) filter (where r.status = 'completed'), 0)::bigint,
        coalesce(sum(r.runs) filter (where r.status = 'failed'), 0)::bigint,
        rollups.histogram_quantile_ms(
            array_agg(r.bucket order by r.bucket) filter (where r.status = 'completed'),
            array_agg(r.runs order by r.bucket) filter (where r.status = 'completed'),
            0.5
        ),
        rollups.histogram_quantile_ms(
            array_agg(r.bucket order by r.bucket) filter (where r.status = 'completed'),
            array_agg(r.runs order by r.bucket) filter (where r.status = 'completed'),
            0.95
        )
    from rollups.ended_runs_in_range(since, until) as r
    group by r.stage
    having sum(r.runs) > 0
    order by r.stage
$$;

-- Signed-in users only; anon has no rows to see.
revoke execute on function public.stage_latency_in_range(timestamptz, timestamptz) from public, anon;
grant execute on function public.stage_latency_in_range(timestamptz, timestamptz) to authenticated, service_role;

-- Per UTC day and stage, the same figures as stage_latency_in_range, for a trend chart: one row per
-- (day, stage) with any run that ended in [since, until).
create function public.stage_latency_trend(since timestamptz, until timestamptz default now())
returns table (
    day date,
    stage text,
    completed_count bigint,
    failed_count bigint,
    p50_ms double precision,
    p95_ms double precision
)
language sql
stable
security invoker
set search_path = ''
as $$
    select
        r.day,
        r.stage,
        coalesce(sum(r.runs) filter (where r.status = 'completed'), 0)::bigint,
        coalesce(sum(r.runs) filter (where r.status = 'failed'), 0)::bigint,
        rollups.histogram_quantile_ms(
            array_agg(r.bucket order by r.bucket) filter (where r.status = 'completed'),
            array_agg(r.runs order by r.bucket) filter (where r.status = 'completed'),
            0.5
        ),
        rollups.histogram_quantile_ms(
            array_agg(r.bucket order by r.bucket) filter (where r.status = 'completed'),
            array_agg(r.runs order by r.bucket) filter (where r.status = 'completed'),
            0.95
        )
    from rollups.ended_runs_in_range(since, until) as r
    group by r.day, r.stage
    having sum(r.runs) > 0
    order by r.day, r.stage
$$;

-- Signed-in users only; anon has no rows to see.
revoke execute on function public.stage_latency_trend(timestamptz, timestamptz) from public, anon;
grant execute on function public.stage_latency_trend(timestamptz, timestamptz) to authenticated, service_role;
