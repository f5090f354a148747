-- Blocks of 32 buckets instead of 16, and range and trend reads that sort less. Measured in the
-- server as the heavy user of the rollups benchmark (1M of 10M events), 60 reads of each,
-- interleaved with the functions they replace, p50: the range (30 days up to now) 5.0 to 3.6 ms
-- at 1M events and 10.2 to 6.6 ms at 10M; the trend (31 days) 7.4 to 6.4 ms and 13.6 to 10.4 ms.
-- The answers are the same: the reads that sort less were compared with the ones they replace over
-- eight ranges, three users and both sizes; after the move to blocks of 32, the ranges with fixed
-- bounds compared equal (the others had moved with the clock), every recomputed block equalled the
-- sum of its daily buckets, and the pgTAP tests of the nearest ranks pass.
--
-- Blocks of 32: a read ranks a day's block totals, then opens the block that holds each
-- percentile's rank. For a user whose days are full (a few hundred buckets per stage and day),
-- ranking cost more than opening: 3,600 block rows in a 31-day trend at 10M, against 310 probes
-- of at most 16 buckets. With 32 buckets a block, about half the block rows and probes of at most
-- 32 buckets: the trend 13.1 to 10.4 ms at 10M; blocks of 64 were slower again (11.5 ms) and slowed
-- the range (6.6 to 8.6 ms). The block totals are recomputed from the daily buckets below, and the
-- insert trigger, the job-delete trigger and the rebuild keep them at 32 from here on (the three
-- are restated whole, as create or replace needs; only `bucket >> 5` changed in them).
--
-- Range: each percentile's block is summed apart, over its 32 buckets at most, instead of all ten
-- targets' bucket rows at once (4,700 rows at 10M) in one sort keyed by stage. And the stage and
-- status, text, are compared in the "C" collation in the block ranking's sort and groups: bytewise,
-- not through the locale (C.UTF-8 is not "C" to Postgres: its comparisons go through strcoll).
--
-- Trend: a day's block totals are bounded by scalar subqueries instead of a join, so that the
-- index scan's order is the windows' order and the block rows are not sorted again; and each
-- block's two quantile targets come from a join with the two quantiles, not a subquery per block.

-- One transaction, explicitly: `supabase migration up` runs a file's statements one by one, and the
-- locks below must hold until the new functions are in place.
begin;

-- No insert, job delete or rebuild may write block totals of 16 while they are recomputed: each
-- waits until this migration commits, and then runs the functions below. Inserts, and range and
-- trend reads (the block totals are truncated first), pause for the recomputation: one statement
-- over the daily bucket rows (the whole migration took 1.0 s over the 167,000 rows of 10M events).
-- While this waits for a lock it already holds the ones before it, and ingest waits behind it: a
-- long transaction that has read the block totals (a report, a logical backup) would stall inserts
-- for as long as it runs. So it waits 5 s at most, then fails as a whole, holding nothing, and can
-- simply be run again.
set local lock_timeout = '5s';
lock table public.analytics_events in share row exclusive mode;
lock table rollups.job_stages in share row exclusive mode;
lock table rollups.stage_latency_days in share row exclusive mode;
lock table rollups.stage_latency_day_blocks in access exclusive mode;

-- The block totals again, 32 buckets a block (block = bucket >> 5), in the order reads want them.
truncate rollups.stage_latency_day_blocks;
insert into rollups.stage_latency_day_blocks (user_id, stage, day, status, block, runs)
select d.user_id, d.stage, d.day, d.status, d.bucket >> 5, sum(d.runs)
from rollups.stage_latency_days as d
group by d.user_id, d.day, d.stage, d.status, d.bucket >> 5
having sum(d.runs) <> 0
order by d.user_id, d.day, d.stage, d.status, d.bucket >> 5;

-- The planner's statistics of the new blocks, not of the old ones, from the first read on.
analyze rollups.stage_latency_day_blocks;

-- The insert trigger of 20261203020007, writing blocks of 32.
create or replace function rollups.roll_up_inserted_stage_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    -- One statement at a time per user whose stage events it holds (users in id order, so no two
    -- statements wait on each other in a cycle), so that the rows read below are the latest
    -- committed ones and nobody else changes them until commit. For signed-in users the ingest
    -- limiter already serialises a user's inserts; this covers trusted workers too.
    perform pg_catalog.pg_advisory_xact_lock(1701, pg_catalog.hashtext(u.user_id::text))
    from (
        select distinct e.user_id
        from inserted_events as e
        where e.job_id is not null
            and e.stage is not null
            and e.event in ('stage_started', 'stage_completed', 'stage_failed')
        order by e.user_id
    ) as u;
    if not found then
        return null;
    end if;

    with stage_events as (
        select
            e.job_id,
            e.user_id,
            e.stage,
            e.occurred_at,
            e.event <> 'stage_started' as is_end,
            e.event = 'stage_failed' as failed
        from inserted_events as e
        where e.job_id is not null
            and e.stage is not null
            and e.event in ('stage_started', 'stage_completed', 'stage_failed')
    ),
    batch as (
        select
            se.job_id,
            se.user_id,
            se.stage,
            count(*) filter (where not se.is_end)::integer as starts,
            min(se.occurred_at) filter (where not se.is_end) as min_start,
            max(se.occurred_at) filter (where not se.is_end) as max_start,
            max(se.occurred_at) filter (where se.is_end) as max_end
        from stage_events as se
        group by se.job_id, se.user_id, se.stage
    ),
    -- The statement's earliest end per (job, stage), failed first at a tie.
    batch_first_end as (
        select distinct on (se.job_id, se.user_id, se.stage)
            se.job_id,
            se.user_id,
            se.stage,
            se.occurred_at,
            se.failed
        from stage_events as se
        where se.is_end
        order by se.job_id, se.user_id, se.stage, se.occurred_at, se.failed desc
    ),
    merged as (
        select
            b.job_id,
            b.user_id,
            b.stage,
            s.started_at as old_started_at,
            s.status as old_status,
            s.run_day as old_run_day,
            s.run_bucket as old_run_bucket,
            coalesce(s.attempts, 0) + b.starts as attempts,
            least(s.first_started_at, b.min_start) as first_started_at,
            greatest(s.started_at, b.max_start) as started_at,
            case
                when f.occurred_at is null then s.first_end_at
                when s.first_end_at is null or f.occurred_at < s.first_end_at then f.occurred_at
                else s.first_end_at
            end as first_end_at,
            case
                when f.occurred_at is null then coalesce(s.first_end_failed, false)
                when s.first_end_at is null or f.occurred_at < s.first_end_at then f.failed
                when f.occurred_at = s.first_end_at then f.failed or s.first_end_failed
                else s.first_end_failed
            end as first_end_failed,
            greatest(s.last_end_at, b.max_end) as last_end_at,
            s.ended_at,
            s.ended_failed,
            s.first_end_at as old_first_end_at,
            s.first_end_failed as old_first_end_failed,
            s.last_end_at as old_last_end_at
        from batch as b
        left join rollups.job_stages as s
            on s.job_id = b.job_id
            and s.user_id = b.user_id
            and s.stage = b.stage
        left join batch_first_end as f
            on f.job_id = b.job_id
            and f.user_id = b.user_id
            and f.stage = b.stage
    ),
    -- The first end at or after the new latest start among the ends stored before this statement,
    -- from the row alone; `unknown` when only the raw events can tell.
    from_stored_flags as (
        select
            m.*,
            case
                when m.started_at is null then null
                when m.old_started_at = m.started_at then m.ended_at
                when m.old_first_end_at is null then null
                when m.started_at <= m.old_first_end_at then m.old_first_end_at
                when m.ended_at is not null and m.started_at <= m.ended_at then m.ended_at
                else null
            end as stored_end_at,
            case
                when m.started_at is null then false
                when m.old_started_at = m.started_at then m.ended_failed
                when m.old_first_end_at is null then false
                when m.started_at <= m.old_first_end_at then m.old_first_end_failed
                when m.ended_at is not null and m.started_at <= m.ended_at then m.ended_failed
                else false
            end as stored_end_failed,
            m.started_at is not null
                and m.old_started_at is distinct from m.started_at
                and m.old_first_end_at < m.started_at
                and (m.ended_at is null or m.ended_at < m.started_at)
                and m.old_last_end_at >= m.started_at as unknown
        from merged as m
    ),
    -- Only rows of the rare unknown case call into the raw events.
    from_stored as (
        select
            u.*,
            case
                when u.unknown then rollups.first_end_in_raw_events(u.job_id, u.user_id, u.stage, u.started_at)
            end as raw_end
        from from_stored_flags as u
    ),
    -- The statement's first end at or after the new latest start, failed first at a tie.
    from_batch as (
        select distinct on (fs.job_id, fs.user_id, fs.stage)
            fs.job_id,
            fs.user_id,
            fs.stage,
            se.occurred_at,
            se.failed
        from from_stored as fs
        join stage_events as se
            on se.job_id = fs.job_id
            and se.user_id = fs.user_id
            and se.stage = fs.stage
            and se.is_end
            and se.occurred_at >= fs.started_at
        order by fs.job_id, fs.user_id, fs.stage, se.occurred_at, se.failed desc
    ),
    resolved as (
        select
            fs.*,
            case
                when fs.unknown then (fs.raw_end).occurred_at
                when fs.stored_end_at is null then fb.occurred_at
                when fb.occurred_at is null then fs.stored_end_at
                else least(fs.stored_end_at, fb.occurred_at)
            end as new_ended_at,
            case
                when fs.unknown then coalesce((fs.raw_end).failed, false)
                when fs.stored_end_at is null then coalesce(fb.failed, false)
                when fb.occurred_at is null then fs.stored_end_failed
                when fs.stored_end_at < fb.occurred_at then fs.stored_end_failed
                when fb.occurred_at < fs.stored_end_at then fb.failed
                else fs.stored_end_failed or fb.failed
            end as new_ended_failed
        from from_stored as fs
        left join from_batch as fb
            on fb.job_id = fs.job_id
            and fb.user_id = fs.user_id
            and fb.stage = fs.stage
    ),
    updated as (
        insert into rollups.job_stages as s (
            job_id,
            user_id,
            stage,
            attempts,
            first_started_at,
            started_at,
            ended_at,
            ended_failed,
            first_end_at,
            first_end_failed,
            last_end_at
        )
        select
            r.job_id,
            r.user_id,
            r.stage,
            r.attempts,
            r.first_started_at,
            r.started_at,
            r.new_ended_at,
            r.new_ended_failed,
            r.first_end_at,
            r.first_end_failed,
            r.last_end_at
        from resolved as r
        order by r.job_id, r.user_id, r.stage
        on conflict (job_id, user_id, stage) do update
            set
                attempts = excluded.attempts,
                first_started_at = excluded.first_started_at,
                started_at = excluded.started_at,
                ended_at = excluded.ended_at,
                ended_failed = excluded.ended_failed,
                first_end_at = excluded.first_end_at,
                first_end_failed = excluded.first_end_failed,
                last_end_at = excluded.last_end_at
        returning s.user_id, s.stage, s.started_at, s.status, s.run_day, s.run_bucket
    ),
    -- Each job stage's old contribution out, its new one in.
    contributions as (
        select
            r.user_id,
            r.stage,
            r.old_status as status,
            r.old_run_day as day,
            r.old_run_bucket as bucket,
            -1 as runs
        from resolved as r
        where r.old_started_at is not null
        union all
        select
            u.user_id,
            u.stage,
            u.status,
            u.run_day,
            u.run_bucket,
            1
        from updated as u
        where u.started_at is not null
    ),
    changed as (
        select c.user_id, c.stage, c.status, c.day, c.bucket, sum(c.runs)::bigint as runs
        from contributions as c
        group by c.user_id, c.stage, c.status, c.day, c.bucket
        having sum(c.runs) <> 0
    ),
    changed_days as (
        insert into rollups.stage_latency_days as d (user_id, stage, day, status, bucket, runs)
        select c.user_id, c.stage, c.day, c.status, c.bucket, sum(c.runs)
        from changed as c
        where c.day is not null
        group by c.user_id, c.day, c.stage, c.status, c.bucket
        order by c.user_id, c.day, c.stage, c.status, c.bucket
        on conflict (user_id, day, stage, status, bucket) do update
            set runs = d.runs + excluded.runs
    ),
    changed_blocks as (
        insert into rollups.stage_latency_day_blocks as b (user_id, stage, day, status, block, runs)
        select c.user_id, c.stage, c.day, c.status, c.bucket >> 5, sum(c.runs)
        from changed as c
        where c.day is not null
        group by c.user_id, c.day, c.stage, c.status, c.bucket >> 5
        having sum(c.runs) <> 0
        order by c.user_id, c.day, c.stage, c.status, c.bucket >> 5
        on conflict (user_id, day, stage, status, block) do update
            set runs = b.runs + excluded.runs
    )
    insert into rollups.stage_latency_totals as t (user_id, stage, status, bucket, runs)
    select c.user_id, c.stage, c.status, c.bucket, sum(c.runs)
    from changed as c
    group by c.user_id, c.stage, c.status, c.bucket
    having sum(c.runs) <> 0
    order by c.user_id, c.stage, c.status, c.bucket
    on conflict (user_id, stage, status, bucket) do update
        set runs = t.runs + excluded.runs;

    return null;
end;
$$;


-- The job-delete trigger of 20261203020007, taking runs out of blocks of 32.
create or replace function rollups.remove_deleted_job_stages()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    -- The same per-user serialisation as the insert trigger, so the two never interleave.
    perform pg_catalog.pg_advisory_xact_lock(1701, pg_catalog.hashtext(u.user_id::text))
    from (select distinct o.user_id from deleted_job_stages as o order by o.user_id) as u;

    update rollups.stage_latency_days as d
    set runs = d.runs - g.runs
    from (
        select
            o.user_id,
            o.stage,
            o.run_day as day,
            o.status,
            o.run_bucket as bucket,
            count(*) as runs
        from deleted_job_stages as o
        where o.ended_at is not null
        group by 1, 2, 3, 4, 5
    ) as g
    where d.user_id = g.user_id
        and d.day = g.day
        and d.stage = g.stage
        and d.status = g.status
        and d.bucket = g.bucket;

    update rollups.stage_latency_day_blocks as b
    set runs = b.runs - g.runs
    from (
        select
            o.user_id,
            o.stage,
            o.run_day as day,
            o.status,
            o.run_bucket >> 5 as block,
            count(*) as runs
        from deleted_job_stages as o
        where o.ended_at is not null
        group by 1, 2, 3, 4, 5
    ) as g
    where b.user_id = g.user_id
        and b.day = g.day
        and b.stage = g.stage
        and b.status = g.status
        and b.block = g.block;

    update rollups.stage_latency_totals as t
    set runs = t.runs - g.runs
    from (
        select
            o.user_id,
            o.stage,
            o.status,
            o.run_bucket as bucket,
            count(*) as runs
        from deleted_job_stages as o
        where o.started_at is not null
        group by 1, 2, 3, 4
    ) as g
    where t.user_id = g.user_id
        and t.stage = g.stage
        and t.status = g.status
        and t.bucket = g.bucket;

    return null;
end;
$$;


-- The rebuild of 20261204010002, writing blocks of 32.
create or replace function rollups.rebuild_stage_rollups(for_user uuid default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
    -- Concurrent inserts wait; one already past its insert but not yet at its trigger is not in
    -- this snapshot, and its trigger folds its events in afterwards, as for any other statement.
    lock table rollups.job_stages, rollups.stage_latency_days, rollups.stage_latency_day_blocks,
        rollups.stage_latency_totals
        in share row exclusive mode;

    if for_user is null then
        truncate rollups.stage_latency_days, rollups.stage_latency_day_blocks, rollups.stage_latency_totals,
            rollups.job_stages;
    else
        delete from rollups.stage_latency_days where user_id = for_user;
        delete from rollups.stage_latency_day_blocks where user_id = for_user;
        delete from rollups.stage_latency_totals where user_id = for_user;
        delete from rollups.job_stages where user_id = for_user;
    end if;

    insert into rollups.job_stages (
        job_id,
        user_id,
        stage,
        attempts,
        first_started_at,
        started_at,
        ended_at,
        ended_failed,
        first_end_at,
        first_end_failed,
        last_end_at
    )
    with stage_events as (
        select
            e.job_id,
            e.user_id,
            e.stage,
            e.occurred_at,
            e.event <> 'stage_started' as is_end,
            e.event = 'stage_failed' as failed,
            max(e.occurred_at) filter (where e.event = 'stage_started')
                over (partition by e.job_id, e.user_id, e.stage) as last_start
        from public.analytics_events as e
        where e.job_id is not null
            and e.stage is not null
            and e.event in ('stage_started', 'stage_completed', 'stage_failed')
            and (for_user is null or e.user_id = for_user)
    ),
    with_ends as (
        select
            se.*,
            min(se.occurred_at) filter (where se.is_end and se.occurred_at >= se.last_start)
                over (partition by se.job_id, se.user_id, se.stage) as run_end,
            min(se.occurred_at) filter (where se.is_end)
                over (partition by se.job_id, se.user_id, se.stage) as first_end
        from stage_events as se
    )
    select
        w.job_id,
        w.user_id,
        w.stage,
        count(*) filter (where not w.is_end)::integer,
        min(w.occurred_at) filter (where not w.is_end),
        max(w.last_start),
        max(w.run_end),
        coalesce(bool_or(w.failed and w.occurred_at = w.run_end), false),
        max(w.first_end),
        coalesce(bool_or(w.failed and w.occurred_at = w.first_end), false),
        max(w.occurred_at) filter (where w.is_end)
    from with_ends as w
    group by w.job_id, w.user_id, w.stage
    -- as the trigger would have made them: per user, in the order the stages first started
    order by w.user_id, min(w.occurred_at);

    insert into rollups.stage_latency_days (user_id, stage, day, status, bucket, runs)
    select
        s.user_id,
        s.stage,
        s.run_day,
        s.status,
        s.run_bucket,
        count(*)
    from rollups.job_stages as s
    where s.ended_at is not null
        and (for_user is null or s.user_id = for_user)
    group by 1, 2, 3, 4, 5
    order by s.user_id, s.run_day, s.stage, s.status, s.run_bucket;

    insert into rollups.stage_latency_day_blocks (user_id, stage, day, status, block, runs)
    select
        d.user_id,
        d.stage,
        d.day,
        d.status,
        d.bucket >> 5,
        sum(d.runs)
    from rollups.stage_latency_days as d
    where for_user is null or d.user_id = for_user
    group by 1, 2, 3, 4, 5
    order by d.user_id, d.day, d.stage, d.status, d.bucket >> 5;

    insert into rollups.stage_latency_totals (user_id, stage, status, bucket, runs)
    select
        s.user_id,
        s.stage,
        s.status,
        s.run_bucket,
        count(*)
    from rollups.job_stages as s
    where s.started_at is not null
        and (for_user is null or s.user_id = for_user)
    group by 1, 2, 3, 4
    order by s.user_id, s.stage, s.status, s.run_bucket;
end;
$$;


-- The range figures of 20261204010001, over blocks of 32.
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
                    select e.stage, e.status, e.bucket >> 5, e.runs
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
        -- running sum reaches the rank. Each target is summed apart, over at most 32 buckets.
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
                                and o.bucket >= t.block * 32
                                and o.bucket < t.block * 32 + 32
                            limit 32
                        ) as d
                        union all
                        select e.bucket, e.runs
                        from edge_runs as e
                        where e.stage = t.stage
                            and e.status = 'completed'
                            and e.bucket >> 5 = t.block
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

-- The per-day figures of 20261204010001, over blocks of 32, their block totals read in index order.
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
                    select r.day, r.stage, r.status, r.bucket >> 5, r.runs
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
        -- The bucket that holds the rank: on a day read whole, one index probe of the target block's 32
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
                        and o.bucket >= t.block * 32
                        and o.bucket < t.block * 32 + 32
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
                                and o.bucket >= t.block * 32
                                and o.bucket < t.block * 32 + 32
                            union all
                            select e.bucket, e.runs
                            from edge_runs as e
                            where e.day = t.day
                                and e.stage = t.stage
                                and e.status = 'completed'
                                and e.bucket >> 5 = t.block
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

commit;
