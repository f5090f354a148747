-- Stage latency over a time range and per day, for the dashboard's range picker and trend chart.
-- Runs count by when they ended (ended_at), in [since, until). Whole UTC days inside the range come
-- from the daily histograms; the parts of the first and last day from the job-stage rows that
-- ended there (through job_stages_user_id_ended_at_idx), so a 24 h range is exact and a 90 d one
-- still reads O(days x stages x buckets) histogram rows plus the runs of two partial days.

-- The caller's runs that ended in [since, until), per stage: the completed and failed counts and
-- the completed runs' nearest-rank p50 and p95, from the log buckets merged over the range's days
-- (within 1%). One set-based pass, no per-row function call. Security invoker: the rollups' RLS
-- narrows it to the caller.
create function rollups.latency_figures(since timestamptz, until timestamptz)
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
    with bounds as (
        select
            (since at time zone 'UTC')::date
                + case when since = (since at time zone 'UTC')::date::timestamp at time zone 'UTC' then 0 else 1 end
                as first_full_day,
            (until at time zone 'UTC')::date as after_full_days
    ),
    edges as (
        select
            b.first_full_day,
            b.after_full_days,
            b.first_full_day::timestamp at time zone 'UTC' as first_full_at,
            b.after_full_days::timestamp at time zone 'UTC' as after_full_at
        from bounds as b
    ),
    ended as (
        select d.day, d.stage, d.status, d.bucket, d.runs
        from rollups.stage_latency_days as d
        cross join edges as g
        where d.user_id = (select auth.uid())
            and d.day >= g.first_full_day
            and d.day < g.after_full_days
        union all
        select s.run_day, s.stage, s.status, s.run_bucket, 1
        from rollups.job_stages as s
        cross join edges as g
        where s.user_id = (select auth.uid())
            and s.ended_at >= since
            and s.ended_at < least(until, g.first_full_at)
        union all
        select s.run_day, s.stage, s.status, s.run_bucket, 1
        from rollups.job_stages as s
        cross join edges as g
        where s.user_id = (select auth.uid())
            and g.first_full_day <= g.after_full_days
            and s.ended_at >= greatest(since, g.after_full_at)
            and s.ended_at < until
    ),
    merged as (
        select e.stage, e.status, e.bucket, sum(e.runs) as runs
        from ended as e
        group by e.stage, e.status, e.bucket
    ),
    ranked as (
        select
            m.*,
            sum(m.runs) over (partition by m.stage, m.status order by m.bucket) as runs_so_far,
            sum(m.runs) over (partition by m.stage, m.status) as status_runs
        from merged as m
    ),
    figures as (
        select
            r.stage,
            coalesce(max(r.status_runs) filter (where r.status = 'completed'), 0)::bigint as completed_count,
            coalesce(max(r.status_runs) filter (where r.status = 'failed'), 0)::bigint as failed_count,
            min(r.bucket) filter (
                where r.status = 'completed' and r.runs_so_far >= greatest(pg_catalog.ceil(0.5 * r.status_runs), 1)
            ) as p50_bucket,
            min(r.bucket) filter (
                where r.status = 'completed' and r.runs_so_far >= greatest(pg_catalog.ceil(0.95 * r.status_runs), 1)
            ) as p95_bucket
        from ranked as r
        group by r.stage
        having sum(r.runs) > 0
    )
    -- A bucket's middle value, as rollups.bucket_latency_ms computes it, written out so that it
    -- is no function call per row.
    select
        f.stage,
        f.completed_count,
        f.failed_count,
        case when f.p50_bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, f.p50_bucket) / 2.02 end,
        case when f.p95_bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, f.p95_bucket) / 2.02 end
    from figures as f
    order by f.stage
$$;

-- Called by stage_latency_in_range as the reader.
revoke execute on function rollups.latency_figures(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.latency_figures(timestamptz, timestamptz) to authenticated, service_role;

-- The same figures per UTC day and stage. No day merges with another, so the running sums are taken
-- straight over the daily histogram in its primary key's order (no sort, no regrouping), and the
-- partial first and last days' runs beside them; one pass of two window sums and one aggregate.
create function rollups.daily_latency_figures(since timestamptz, until timestamptz)
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
    with bounds as (
        select
            (since at time zone 'UTC')::date
                + case when since = (since at time zone 'UTC')::date::timestamp at time zone 'UTC' then 0 else 1 end
                as first_full_day,
            (until at time zone 'UTC')::date as after_full_days
    ),
    edges as (
        select
            b.first_full_day,
            b.after_full_days,
            b.first_full_day::timestamp at time zone 'UTC' as first_full_at,
            b.after_full_days::timestamp at time zone 'UTC' as after_full_at
        from bounds as b
    ),
    edge_runs as (
        select s.run_day as day, s.stage, s.status, s.run_bucket as bucket, count(*) as runs
        from rollups.job_stages as s
        where s.user_id = (select auth.uid())
            and (
                (s.ended_at >= since and s.ended_at < least(until, (select g.first_full_at from edges as g)))
                or (
                    (select g.first_full_day <= g.after_full_days from edges as g)
                    and s.ended_at >= greatest(since, (select g.after_full_at from edges as g))
                    and s.ended_at < until
                )
            )
        group by 1, 2, 3, 4
    ),
    ranked as (
        select
            d.day,
            d.stage,
            d.status,
            d.bucket,
            sum(d.runs) over (partition by d.day, d.stage, d.status order by d.bucket) as runs_so_far,
            sum(d.runs) over (partition by d.day, d.stage, d.status) as status_runs
        from rollups.stage_latency_days as d
        where d.user_id = (select auth.uid())
            and d.day >= (select g.first_full_day from edges as g)
            and d.day < (select g.after_full_days from edges as g)
        union all
        select
            e.day,
            e.stage,
            e.status,
            e.bucket,
            sum(e.runs) over (partition by e.day, e.stage, e.status order by e.bucket),
            sum(e.runs) over (partition by e.day, e.stage, e.status)
        from edge_runs as e
    ),
    figures as (
        select
            r.day,
            r.stage,
            coalesce(max(r.status_runs) filter (where r.status = 'completed'), 0)::bigint as completed_count,
            coalesce(max(r.status_runs) filter (where r.status = 'failed'), 0)::bigint as failed_count,
            min(r.bucket) filter (
                where r.status = 'completed' and r.runs_so_far >= greatest(pg_catalog.ceil(0.5 * r.status_runs), 1)
            ) as p50_bucket,
            min(r.bucket) filter (
                where r.status = 'completed' and r.runs_so_far >= greatest(pg_catalog.ceil(0.95 * r.status_runs), 1)
            ) as p95_bucket
        from ranked as r
        group by r.day, r.stage
        having sum(r.status_runs) > 0
    )
    -- A bucket's middle value, as rollups.bucket_latency_ms computes it, written out so that it
    -- is no function call per row.
    select
        f.day,
        f.stage,
        f.completed_count,
        f.failed_count,
        case when f.p50_bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, f.p50_bucket) / 2.02 end,
        case when f.p95_bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, f.p95_bucket) / 2.02 end
    from figures as f
    order by f.day, f.stage
$$;

-- Called by stage_latency_trend as the reader.
revoke execute on function rollups.daily_latency_figures(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.daily_latency_figures(timestamptz, timestamptz) to authenticated, service_role;

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
    select f.stage, f.completed_count, f.failed_count, f.p50_ms, f.p95_ms
    from rollups.latency_figures(since, until) as f
$$;

-- Signed-in users only; anon has no rows to see.
revoke execute on function public.stage_latency_in_range(timestamptz, timestamptz) from public, anon;
grant execute on function public.stage_latency_in_range(timestamptz, timestamptz) to authenticated, service_role;

-- Per UTC day and stage, the same figures as stage_latency_in_range, for a trend chart: one row per
-- (day, stage) with any run that ended in [since, until), in day order.
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
    select f.day, f.stage, f.completed_count, f.failed_count, f.p50_ms, f.p95_ms
    from rollups.daily_latency_figures(since, until) as f
$$;

-- Signed-in users only; anon has no rows to see.
revoke execute on function public.stage_latency_trend(timestamptz, timestamptz) from public, anon;
grant execute on function public.stage_latency_trend(timestamptz, timestamptz) to authenticated, service_role;
