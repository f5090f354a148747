-- The range and trend reads sort less. Measured in the server, as the heavy user of the rollups
-- benchmark (1M of 10M events), 60 reads of each, interleaved with the functions they replace, p50:
-- the range (30 days up to now) 5.0 to 3.6 ms at 1M events and 10.2 to 6.9 ms at 10M; the trend
-- 7.4 to 7.1 and 13.6 to 13.2 ms. The answers are the same (compared over eight ranges, three
-- users and both sizes, and by the pgTAP tests of the nearest ranks).
--
-- Range: each percentile's block is summed apart, over its 16 buckets at most, instead of all ten
-- targets' bucket rows at once (4,700 rows at 10M) in one sort keyed by stage. And the stage and
-- status, text, are compared in the "C" collation in the block ranking's sort and groups: bytewise,
-- not through the locale (C.UTF-8 is not "C" to Postgres: its comparisons go through strcoll).
--
-- Trend: a day's block totals are bounded by scalar subqueries instead of a join, so that the
-- index scan's order is the windows' order and 3,600 rows at 10M are not sorted again; and each
-- block's two quantile targets come from a join with the two quantiles, not a subquery per block.

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
-- One plan per connection, not one per call (20261204010001).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
    return query
        with histogram_window as materialized (
            select * from rollups.range_histogram_window(since, until)
        ),
        -- Stage and status in the "C" collation from here on: the sorts and groups below compare
        -- them bytewise instead of through the locale.
        edge_runs as materialized (
            select e.stage collate "C" as stage, e.status collate "C" as status, e.bucket, sum(e.runs) as runs
            from rollups.edge_day_runs(since, until) as e
            group by 1, 2, 3
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
                    select d.stage collate "C" as stage, d.status collate "C" as status, d.block, d.runs
                    from rollups.stage_latency_day_blocks as d
                    where d.user_id = (select auth.uid())
                        and d.day >= (select g.first_day from histogram_window as g)
                        and d.day < (select g.after_days from histogram_window as g)
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
        -- Per target, the bucket that holds its rank: the target block's buckets summed over the
        -- histogram days (one index probe per day) and the partial days' runs, then the first whose
        -- running sum reaches the rank. Each target is summed apart, over at most 16 buckets.
        picked as (
            select t.stage, t.q, p.bucket
            from targets as t
            cross join lateral (
                select b.bucket
                from (
                    select x.bucket, sum(sum(x.runs)) over (order by x.bucket) as runs_so_far
                    from (
                        select d.bucket, d.runs
                        from histogram_window as g
                        cross join pg_catalog.generate_series(
                            g.first_day::timestamp,
                            g.after_days::timestamp - interval '1 day',
                            interval '1 day'
                        ) as histogram_day (at)
                        -- The limit keeps the planner from flattening the probes into one scan of
                        -- every day's buckets.
                        cross join lateral (
                            select o.bucket, o.runs
                            from rollups.stage_latency_days as o
                            where o.user_id = (select auth.uid())
                                and o.day = histogram_day.at::date
                                and o.stage = t.stage collate "default"
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
                    group by x.bucket
                ) as b
                where b.runs_so_far >= t.rank_in_block
                order by b.bucket
                limit 1
            ) as p
        )
        -- A bucket's middle value, as rollups.bucket_latency_ms computes it, written out so that it is
        -- no function call per row.
        select
            c.stage,
            c.completed_count,
            c.failed_count,
            case when p50.bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, p50.bucket) / 2.02 end,
            case when p95.bucket = -32767 then 0 else 2 * pg_catalog.power(1.02::double precision, p95.bucket) / 2.02 end
        from counts as c
        left join picked as p50
            on p50.stage = c.stage
            and p50.q = 0.5
        left join picked as p95
            on p95.stage = c.stage
            and p95.q = 0.95
        order by c.stage collate "default";
end;
$$;

-- The per-day figures of 20261204010001, their block totals read in index order.
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
-- One plan per connection, not one per call (20261204010001).
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
            -- Bounds as scalar subqueries, not joins: the index scan's order is then the windows'
            -- order, and no sort is needed.
            where d.user_id = (select auth.uid())
                and d.day >= (select g.first_day from histogram_window as g)
                and d.day < (select g.after_days from histogram_window as g)
                and d.day <> all ((select x.days from edge_days as x)::date[])
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
            select r.day, r.stage, r.whole_day, q.q, r.block, q.rank - (r.runs_so_far - r.runs) as rank_in_block
            from ranked as r
            cross join (values (0.5::double precision), (0.95::double precision)) as q0 (q)
            cross join lateral (select q0.q, greatest(pg_catalog.ceil(q0.q * r.status_runs), 1) as rank) as q
            where r.status = 'completed'
                and r.runs_so_far >= q.rank
                and r.runs_so_far - r.runs < q.rank
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
