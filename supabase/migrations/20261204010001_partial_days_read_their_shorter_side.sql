-- A range's partial first and last UTC day read whichever side is shorter. Before, a partial day
-- was read from the runs that ended in it, so a range whose bounds fall at the same time of day
-- (30 days up to now, say) always read one whole day of runs, and a trend up to now read all of
-- today's: O(runs per day), which grows with the user. Now a partial day whose part outside the
-- range is shorter is read as its whole day's histogram (the block totals, then one block's
-- buckets, as whole days are) less the runs that ended outside the range: today, up to now, is
-- today's histogram less the runs that ended after now, which is almost always none. A range of 30
-- days reads at most half a day of runs; the dashboard's trend, which starts at a UTC midnight and
-- ends now, reads none.
--
-- The runs taken out are a subset of the day's runs, so every bucket and block count stays at or
-- above zero and the nearest ranks are those of the runs in the range, exactly as before.
--
-- Also: the range helpers (range_days, range_parts, range_histogram_window, edge_day_runs) set no
-- search_path any more, so that the planner inlines them into the figures' queries. A SQL function
-- with a SET clause is planned apart on every call (auto_explain showed up to 1 ms per helper per
-- read). Inlined, they are parsed under their caller's empty search_path; called directly, they run
-- as the caller, who can only shadow names for themselves.

-- And the range and trend figures are PL/pgSQL now, with a generic plan: a SQL function's query
-- is planned on every call, which for these (a dozen CTEs, the helpers inlined) took 1 to 6 ms
-- per read, more than many reads themselves. PL/pgSQL keeps the plan for the connection's life,
-- and PostgREST keeps its connections. The plan does not depend on the bounds: every read goes
-- through the user's index ranges whatever the range.

alter function rollups.range_days(timestamptz, timestamptz) reset search_path;

-- A range's partial days: the UTC days that [since, until) covers only in part (two at most), the
-- part covered, and whether the day is read whole, less the runs outside the part (`whole_day`),
-- rather than as the runs inside it. Whole when the outside, counted only up to now (no runs end
-- in the future, but for a clock that runs ahead), is shorter than the inside, so counted.
create function rollups.range_parts(since timestamptz, until timestamptz)
returns table (day date, part_from timestamptz, part_to timestamptz, whole_day boolean)
language sql
stable
security invoker
-- Two rows at most; see range_days on why the estimate matters.
rows 2
as $$
    with bounds as (
        select
            (since at time zone 'UTC')::date as first_day,
            ((until at time zone 'UTC') - interval '1 microsecond')::date as last_day
    ),
    parts as (
        select
            b.first_day as day,
            since as part_from,
            least(until, (b.first_day + 1)::timestamp at time zone 'UTC') as part_to
        from bounds as b
        union all
        select b.last_day, b.last_day::timestamp at time zone 'UTC', until
        from bounds as b
        where b.last_day > b.first_day
    ),
    spans as (
        select
            p.*,
            p.day::timestamp at time zone 'UTC' as day_from,
            (p.day + 1)::timestamp at time zone 'UTC' as day_to
        from parts as p
    )
    select
        s.day,
        s.part_from,
        s.part_to,
        greatest(least(s.part_from, now()) - s.day_from, interval '0')
            + greatest(least(s.day_to, now()) - s.part_to, interval '0')
            < greatest(least(s.part_to, now()) - s.part_from, interval '0')
    from spans as s
    where since < until
        and (s.part_from > s.day_from or s.part_to < s.day_to)
$$;

-- Called by the range and trend figures as the reader.
revoke execute on function rollups.range_parts(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.range_parts(timestamptz, timestamptz) to authenticated, service_role;

-- The caller's runs that a range's partial days add or take out, per UTC day, stage, outcome and
-- bucket, from the job-stage rows (job_stages_user_id_ended_at_idx): a part read as its runs adds
-- those that ended inside it (runs > 0); a day read whole takes out those that ended outside the
-- part (runs < 0). Security invoker: the rollups' RLS narrows it to the caller.
create or replace function rollups.edge_day_runs(since timestamptz, until timestamptz)
returns table (day date, stage text, status text, bucket integer, runs bigint)
language sql
stable
security invoker
-- At most two days of buckets; see range_days on why the estimate matters.
rows 500
as $$
    select s.run_day, s.stage, s.status, s.run_bucket, sum(i.sign)::bigint
    from rollups.range_parts(since, until) as p
    cross join lateral (
        select p.part_from as from_at, p.part_to as to_at, 1 as sign
        where not p.whole_day
        union all
        select p.day::timestamp at time zone 'UTC', p.part_from, -1
        where p.whole_day
        union all
        select p.part_to, (p.day + 1)::timestamp at time zone 'UTC', -1
        where p.whole_day
    ) as i
    join rollups.job_stages as s
        on s.user_id = (select auth.uid())
        and s.ended_at >= i.from_at
        and s.ended_at < i.to_at
    group by 1, 2, 3, 4
$$;

-- The UTC days a range reads from the daily histograms, [first_day, after_days): its whole days,
-- and its partial first or last day when read whole. Contiguous, since only the first and last day
-- can be partial, so that the block totals are read as one index range. Empty when no day is.
create function rollups.range_histogram_window(since timestamptz, until timestamptz)
returns table (first_day date, after_days date)
language sql
stable
security invoker
-- One row, always; see range_days on why the estimate matters.
rows 1
as $$
    select
        g.first_full_day - case when w.lower_whole then 1 else 0 end,
        g.after_full_days + case when w.upper_whole then 1 else 0 end
    from rollups.range_days(since, until) as g
    cross join lateral (
        select
            coalesce(bool_or(p.whole_day) filter (where p.day = g.first_full_day - 1), false) as lower_whole,
            coalesce(bool_or(p.whole_day) filter (where p.day = g.after_full_days), false) as upper_whole
        from rollups.range_parts(since, until) as p
    ) as w
$$;

-- Called by the range and trend figures as the reader.
revoke execute on function rollups.range_histogram_window(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.range_histogram_window(timestamptz, timestamptz) to authenticated, service_role;

-- The caller's runs that ended in [since, until), per stage: the completed and failed counts and
-- the completed runs' nearest-rank p50 and p95 within 1%. The histogram days' block totals and
-- the partial days' runs (added or taken out) are ranked; the block holding each percentile's rank
-- is then opened: its buckets on each histogram day (one index probe per day) and the partial
-- days' runs in it. Security invoker: the rollups' RLS narrows it to the caller.
create or replace function rollups.latency_figures(since timestamptz, until timestamptz)
returns table (
    stage text,
    completed_count bigint,
    failed_count bigint,
    p50_ms double precision,
    p95_ms double precision
)
language plpgsql
stable
security invoker
set search_path = ''
-- See the note at the top: one plan per connection, not one per call.
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
    return query
        with histogram_window as materialized (
            select * from rollups.range_histogram_window(since, until)
        ),
        edge_runs as materialized (
            select e.stage, e.status, e.bucket, sum(e.runs) as runs
            from rollups.edge_day_runs(since, until) as e
            group by e.stage, e.status, e.bucket
        ),
        ranked as materialized (
            select
                k.stage,
                k.status,
                k.block,
                k.runs,
                sum(k.runs) over (partition by k.stage, k.status order by k.block) as runs_so_far,
                sum(k.runs) over (partition by k.stage, k.status) as status_runs
            from (
                select u.stage, u.status, u.block, sum(u.runs) as runs
                from (
                    select d.stage, d.status, d.block, d.runs
                    from rollups.stage_latency_day_blocks as d
                    cross join histogram_window as g
                    where d.user_id = (select auth.uid())
                        and d.day >= g.first_day
                        and d.day < g.after_days
                    union all
                    select e.stage, e.status, e.bucket >> 4, e.runs
                    from edge_runs as e
                ) as u
                group by u.stage, u.status, u.block
            ) as k
        ),
        counts as (
            select
                r.stage,
                coalesce(max(r.status_runs) filter (where r.status = 'completed'), 0)::bigint as completed_count,
                coalesce(max(r.status_runs) filter (where r.status = 'failed'), 0)::bigint as failed_count
            from ranked as r
            group by r.stage
            having sum(r.runs) > 0
        ),
        -- Per stage and quantile, the block that holds the nearest rank (the one whose running sum
        -- first reaches it), and the rank inside that block.
        targets as (
            select r.stage, q.q, r.block, q.rank - (r.runs_so_far - r.runs) as rank_in_block
            from ranked as r
            cross join lateral (
                values
                    (0.5::double precision, greatest(pg_catalog.ceil(0.5 * r.status_runs), 1)),
                    (0.95::double precision, greatest(pg_catalog.ceil(0.95 * r.status_runs), 1))
            ) as q (q, rank)
            where r.status = 'completed'
                and r.runs_so_far >= q.rank
                and r.runs_so_far - r.runs < q.rank
        ),
        target_buckets as (
            select t.stage, t.q, t.rank_in_block, x.bucket, sum(x.runs) as runs
            from targets as t
            cross join lateral (
                select d.bucket, d.runs
                from histogram_window as g
                cross join pg_catalog.generate_series(
                    g.first_day::timestamp,
                    g.after_days::timestamp - interval '1 day',
                    interval '1 day'
                ) as histogram_day (at)
                -- One index probe per day: a block has 16 buckets, and the limit keeps the planner
                -- from flattening the probes into one scan of every day's buckets.
                cross join lateral (
                    select o.bucket, o.runs
                    from rollups.stage_latency_days as o
                    where o.user_id = (select auth.uid())
                        and o.day = histogram_day.at::date
                        and o.stage = t.stage
                        and o.status = 'completed'
                        and o.bucket >= t.block * 16
                        and o.bucket < t.block * 16 + 16
                    limit 16
                ) as d
                union all
                select e.bucket, e.runs
                from edge_runs as e
                where e.stage = t.stage
                    and e.status = 'completed'
                    and e.bucket >> 4 = t.block
            ) as x
            group by t.stage, t.q, t.rank_in_block, x.bucket
        ),
        picked as (
            select distinct on (b.stage, b.q)
                b.stage,
                b.q,
                -- A bucket's middle value, as rollups.bucket_latency_ms computes it.
                case when b.bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, b.bucket) / 2.02 end
                    as latency_ms
            from (
                select tb.*, sum(tb.runs) over (partition by tb.stage, tb.q order by tb.bucket) as runs_so_far
                from target_buckets as tb
            ) as b
            where b.runs_so_far >= b.rank_in_block
            order by b.stage, b.q, b.bucket
        )
        select c.stage, c.completed_count, c.failed_count, p50.latency_ms, p95.latency_ms
        from counts as c
        left join picked as p50
            on p50.stage = c.stage
            and p50.q = 0.5
        left join picked as p95
            on p95.stage = c.stage
            and p95.q = 0.95
        order by c.stage;
end;
$$;

-- The same figures per UTC day and stage. A day read whole, with no runs to take out, has its
-- blocks straight from the block totals, ranked, then the block that holds each percentile's rank
-- opened (one index probe of 16 buckets at most): every whole day, and today in a trend up to now
-- unless a run ended after now. A partial day's blocks and buckets are its histogram's, when it is
-- read whole, plus its runs added or taken out.
create or replace function rollups.daily_latency_figures(since timestamptz, until timestamptz)
returns table (
    day date,
    stage text,
    completed_count bigint,
    failed_count bigint,
    p50_ms double precision,
    p95_ms double precision
)
language plpgsql
stable
security invoker
set search_path = ''
-- See the note at the top: one plan per connection, not one per call.
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
    return query
        with histogram_window as materialized (
            select * from rollups.range_histogram_window(since, until)
        ),
        edge_runs as materialized (
            select * from rollups.edge_day_runs(since, until)
        ),
        -- The days with runs to add or take out (two at most), as an array for index probes.
        edge_days as materialized (
            select array(select distinct e.day from edge_runs as e) as days
        ),
        -- Each day's blocks with their running sums: a day read whole straight from the block totals,
        -- in their primary key's order; an edge day's from its histogram when read whole, and its runs.
        ranked as materialized (
            select
                d.day,
                d.stage,
                d.status,
                d.block,
                d.runs,
                sum(d.runs) over (partition by d.day, d.stage, d.status order by d.block) as runs_so_far,
                sum(d.runs) over (partition by d.day, d.stage, d.status) as status_runs,
                true as whole_day
            from rollups.stage_latency_day_blocks as d
            cross join histogram_window as g
            cross join edge_days as x
            where d.user_id = (select auth.uid())
                and d.day >= g.first_day
                and d.day < g.after_days
                and d.day <> all (x.days)
            union all
            select
                e.day,
                e.stage,
                e.status,
                e.block,
                e.runs,
                sum(e.runs) over (partition by e.day, e.stage, e.status order by e.block),
                sum(e.runs) over (partition by e.day, e.stage, e.status),
                false
            from (
                select y.day, y.stage, y.status, y.block, sum(y.runs) as runs
                from (
                    select d.day, d.stage, d.status, d.block, d.runs
                    from rollups.stage_latency_day_blocks as d
                    cross join histogram_window as g
                    cross join edge_days as x
                    where d.user_id = (select auth.uid())
                        and d.day = any (x.days)
                        and d.day >= g.first_day
                        and d.day < g.after_days
                    union all
                    select r.day, r.stage, r.status, r.bucket >> 4, r.runs
                    from edge_runs as r
                ) as y
                group by 1, 2, 3, 4
            ) as e
        ),
        counts as (
            select
                r.day,
                r.stage,
                coalesce(max(r.status_runs) filter (where r.status = 'completed'), 0)::bigint as completed_count,
                coalesce(max(r.status_runs) filter (where r.status = 'failed'), 0)::bigint as failed_count
            from ranked as r
            group by r.day, r.stage
            having sum(r.runs) > 0
        ),
        -- Per day, stage and quantile, the block whose running sum first reaches the nearest rank, and
        -- the rank inside it.
        targets as (
            select r.day, r.stage, r.whole_day, t.q, r.block, t.rank - (r.runs_so_far - r.runs) as rank_in_block
            from ranked as r
            cross join lateral (
                select 0.5::double precision as q, greatest(pg_catalog.ceil(0.5 * r.status_runs), 1) as rank
                union all
                select 0.95, greatest(pg_catalog.ceil(0.95 * r.status_runs), 1)
            ) as t
            where r.status = 'completed'
                and r.runs_so_far >= t.rank
                and r.runs_so_far - r.runs < t.rank
        ),
        -- The bucket that holds the rank: on a day read whole, one index probe of the target block's 16
        -- buckets at most; on an edge day, the same probe when its histogram is read, and its runs in
        -- the block.
        picked as (
            select t.day, t.stage, t.q, p.bucket
            from targets as t
            cross join lateral (
                select h.bucket
                from (
                    select o.bucket, sum(o.runs) over (order by o.bucket) as runs_so_far
                    from rollups.stage_latency_days as o
                    where t.whole_day
                        and o.user_id = (select auth.uid())
                        and o.day = t.day
                        and o.stage = t.stage
                        and o.status = 'completed'
                        and o.bucket >= t.block * 16
                        and o.bucket < t.block * 16 + 16
                ) as h
                where h.runs_so_far >= t.rank_in_block
                order by h.bucket
                limit 1
            ) as p
            union all
            (
                select distinct on (b.day, b.stage, b.q) b.day, b.stage, b.q, b.bucket
                from (
                    select
                        x.day,
                        x.stage,
                        x.q,
                        x.rank_in_block,
                        x.bucket,
                        sum(x.runs) over (partition by x.day, x.stage, x.q order by x.bucket) as runs_so_far
                    from (
                        select t.day, t.stage, t.q, t.rank_in_block, y.bucket, sum(y.runs) as runs
                        from targets as t
                        cross join lateral (
                            select o.bucket, o.runs
                            from rollups.stage_latency_days as o
                            cross join histogram_window as g
                            where t.day >= g.first_day
                                and t.day < g.after_days
                                and o.user_id = (select auth.uid())
                                and o.day = t.day
                                and o.stage = t.stage
                                and o.status = 'completed'
                                and o.bucket >= t.block * 16
                                and o.bucket < t.block * 16 + 16
                            union all
                            select e.bucket, e.runs
                            from edge_runs as e
                            where e.day = t.day
                                and e.stage = t.stage
                                and e.status = 'completed'
                                and e.bucket >> 4 = t.block
                        ) as y
                        where not t.whole_day
                        group by 1, 2, 3, 4, 5
                    ) as x
                ) as b
                where b.runs_so_far >= b.rank_in_block
                order by b.day, b.stage, b.q, b.bucket
            )
        )
        -- A bucket's middle value, as rollups.bucket_latency_ms computes it, written out so that it is
        -- no function call per row.
        select
            c.day,
            c.stage,
            c.completed_count,
            c.failed_count,
            case when p50.bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, p50.bucket) / 2.02 end,
            case when p95.bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, p95.bucket) / 2.02 end
        from counts as c
        left join picked as p50
            on p50.day = c.day
            and p50.stage = c.stage
            and p50.q = 0.5
        left join picked as p95
            on p95.day = c.day
            and p95.stage = c.stage
            and p95.q = 0.95
        order by c.day, c.stage;
end;
$$;
