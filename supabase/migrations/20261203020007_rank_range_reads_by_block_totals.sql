-- Range and trend reads in O(days x stages x blocks), not O(days x stages x buckets): the daily
-- histograms get block totals, one row per 16 adjacent buckets, kept beside them in the same
-- statement. A read first ranks the blocks, then opens only the block that holds each percentile's
-- rank: one index probe per day of 16 buckets at most. For a user with 1M events, a 30-day range
-- reads about 3,400 block rows and 4,700 bucket rows (10 percentiles' blocks over 30 days) instead
-- of 23,000 bucket rows.
--
-- Also: the insert trigger's rare raw-event lookup moves into a function, so that the trigger's
-- plan no longer holds one index probe per partition of analytics_events that it almost never runs.

-- Per user, UTC day of the end, stage, outcome and block of 16 log buckets (block = bucket >> 4):
-- how many runs ended. The sum of a block's bucket rows in rollups.stage_latency_days.
create table rollups.stage_latency_day_blocks (
    user_id uuid not null references auth.users (id) on delete cascade,
    stage text not null,
    day date not null,
    status text not null,
    block integer not null,
    runs bigint not null,
    primary key (user_id, day, stage, status, block)
)
with (fillfactor = 80);

-- Outcomes the daily histograms count: ended runs.
alter table rollups.stage_latency_day_blocks
    add constraint stage_latency_day_blocks_status_is_an_end check (status in ('completed', 'failed'));

-- Users read their rollups only through the RPCs, which run as the reader.
alter table rollups.stage_latency_day_blocks enable row level security;

-- Only the insert trigger and the rebuild (running as the owner) write rollups; no API role can.
revoke all on table rollups.stage_latency_day_blocks from public, anon, authenticated, service_role;

-- Readers of the range and trend RPCs; the policy below narrows signed-in users to their own rows.
grant select on table rollups.stage_latency_day_blocks to authenticated, service_role;

-- A user reads only their own block totals, through the range and trend RPCs.
create policy "users can view their own daily stage latency block totals"
    on rollups.stage_latency_day_blocks
    for select
    to authenticated
    using (user_id = (select auth.uid()));

-- The histograms stored so far.
insert into rollups.stage_latency_day_blocks (user_id, stage, day, status, block, runs)
select d.user_id, d.stage, d.day, d.status, d.bucket >> 4, sum(d.runs)
from rollups.stage_latency_days as d
group by d.user_id, d.stage, d.day, d.status, d.bucket >> 4
having sum(d.runs) <> 0;

-- The first stage_completed or stage_failed of a job stage at or after a start (failed first at a
-- tie), from the raw events.
create type rollups.stage_end as (occurred_at timestamptz, failed boolean);

-- The insert trigger's rare case: a start later than the latest start but earlier than a known end
-- past the cached one. Reads the job's events through the foreign key's index (job_id, user_id), one
-- probe per partition, only when called.
create function rollups.first_end_in_raw_events(
    for_job_id uuid,
    for_user_id uuid,
    for_stage text,
    since timestamptz
)
returns rollups.stage_end
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
    found_end rollups.stage_end;
begin
    select a.occurred_at, a.event = 'stage_failed'
    into found_end.occurred_at, found_end.failed
    from public.analytics_events as a
    where a.job_id = for_job_id
        and a.user_id = for_user_id
        and a.stage = for_stage
        and a.event in ('stage_completed', 'stage_failed')
        and a.occurred_at >= since
    order by a.occurred_at, a.event desc
    limit 1;
    return found_end;
end;
$$;

-- Only the insert trigger (as the rollups' owner) calls it.
revoke execute on function rollups.first_end_in_raw_events(uuid, uuid, text, timestamptz)
    from public, anon, authenticated, service_role;

-- The insert trigger of 20261203020002, keeping the block totals too.
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
        select c.user_id, c.stage, c.day, c.status, c.bucket >> 4, sum(c.runs)
        from changed as c
        where c.day is not null
        group by c.user_id, c.day, c.stage, c.status, c.bucket >> 4
        having sum(c.runs) <> 0
        order by c.user_id, c.day, c.stage, c.status, c.bucket >> 4
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

-- The delete trigger of 20261203020002: deleted job stages leave the block totals too.
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
            o.run_bucket >> 4 as block,
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

-- The rebuild of 20261203020003, recomputing the block totals too.
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
    group by w.job_id, w.user_id, w.stage;

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
    group by 1, 2, 3, 4, 5;

    insert into rollups.stage_latency_day_blocks (user_id, stage, day, status, block, runs)
    select
        d.user_id,
        d.stage,
        d.day,
        d.status,
        d.bucket >> 4,
        sum(d.runs)
    from rollups.stage_latency_days as d
    where for_user is null or d.user_id = for_user
    group by 1, 2, 3, 4, 5;

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
    group by 1, 2, 3, 4;
end;
$$;

-- A range's whole UTC days, [first_full_day, after_full_days), and where they begin and end; what
-- lies in the range before first_full_at or from after_full_at on is its partial first and last
-- day. Empty whole days when the range lies within one day.
create function rollups.range_days(since timestamptz, until timestamptz)
returns table (
    first_full_day date,
    after_full_days date,
    first_full_at timestamptz,
    after_full_at timestamptz
)
language sql
stable
security invoker
-- One row, always: the planner's default guess of 1,000 would make each read look costly enough
-- to be compiled by JIT, which takes longer than the read.
rows 1
set search_path = ''
as $$
    select
        b.first_full_day,
        b.after_full_days,
        b.first_full_day::timestamp at time zone 'UTC',
        b.after_full_days::timestamp at time zone 'UTC'
    from (
        select
            (since at time zone 'UTC')::date
                + case when since = (since at time zone 'UTC')::date::timestamp at time zone 'UTC' then 0 else 1 end
                as first_full_day,
            (until at time zone 'UTC')::date as after_full_days
    ) as b
$$;

-- The caller's runs that ended in the range's partial first and last day, per UTC day, stage,
-- outcome and bucket, from the job-stage rows (job_stages_user_id_ended_at_idx). Security invoker:
-- the rollups' RLS narrows it to the caller.
create function rollups.edge_day_runs(since timestamptz, until timestamptz)
returns table (day date, stage text, status text, bucket integer, runs bigint)
language sql
stable
security invoker
-- At most two days of buckets; see range_days on why the estimate matters.
rows 500
set search_path = ''
as $$
    select s.run_day, s.stage, s.status, s.run_bucket, count(*)
    from rollups.job_stages as s
    cross join rollups.range_days(since, until) as g
    where s.user_id = (select auth.uid())
        and (
            (s.ended_at >= since and s.ended_at < least(until, g.first_full_at))
            or (
                g.first_full_day <= g.after_full_days
                and s.ended_at >= greatest(since, g.after_full_at)
                and s.ended_at < until
            )
        )
    group by 1, 2, 3, 4
$$;

-- Called by the range and trend figures as the reader.
revoke execute on function rollups.range_days(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.range_days(timestamptz, timestamptz) to authenticated, service_role;

-- Called by the range and trend figures as the reader.
revoke execute on function rollups.edge_day_runs(timestamptz, timestamptz) from public, anon;
grant execute on function rollups.edge_day_runs(timestamptz, timestamptz) to authenticated, service_role;

-- The caller's runs that ended in [since, until), per stage: the completed and failed counts and
-- the completed runs' nearest-rank p50 and p95 within 1%. Whole UTC days come from the block
-- totals; the parts of the first and last day from the job-stage rows that ended there. The block
-- holding each percentile's rank is then opened: its buckets on each whole day (one index probe per
-- day) and the edge runs in it. Security invoker: the rollups' RLS narrows it to the caller.
create or replace function rollups.latency_figures(since timestamptz, until timestamptz)
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
    with edges as materialized (
        select * from rollups.range_days(since, until)
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
                cross join edges as g
                where d.user_id = (select auth.uid())
                    and d.day >= g.first_full_day
                    and d.day < g.after_full_days
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
            from edges as g
            cross join pg_catalog.generate_series(
                g.first_full_day::timestamp,
                g.after_full_days::timestamp - interval '1 day',
                interval '1 day'
            ) as full_day (at)
            -- One index probe per day: a block has 16 buckets, and the limit keeps the planner
            -- from flattening the probes into one scan of every day's buckets.
            cross join lateral (
                select o.bucket, o.runs
                from rollups.stage_latency_days as o
                where o.user_id = (select auth.uid())
                    and o.day = full_day.at::date
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
    order by c.stage
$$;

-- The same figures per UTC day and stage: per day, the block totals ranked, then the block that
-- holds each percentile's rank opened (one index probe of 16 buckets at most); the partial first
-- and last days from the job-stage rows that ended there.
create or replace function rollups.daily_latency_figures(since timestamptz, until timestamptz)
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
    with edges as materialized (
        select * from rollups.range_days(since, until)
    ),
    edge_runs as materialized (
        select * from rollups.edge_day_runs(since, until)
    ),
    -- Each day's blocks with their running sums: a whole day's straight from the block totals, in
    -- their primary key's order; a partial day's from its edge runs.
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
        cross join edges as g
        where d.user_id = (select auth.uid())
            and d.day >= g.first_full_day
            and d.day < g.after_full_days
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
            select x.day, x.stage, x.status, x.bucket >> 4 as block, sum(x.runs) as runs
            from edge_runs as x
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
    -- The bucket that holds the rank: on a whole day, one index probe of the target block's 16
    -- buckets at most; on a partial day, among the edge runs in the block.
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
                    t.day,
                    t.stage,
                    t.q,
                    t.rank_in_block,
                    e.bucket,
                    sum(e.runs) over (partition by t.day, t.stage, t.q order by e.bucket) as runs_so_far
                from targets as t
                join edge_runs as e
                    on e.day = t.day
                    and e.stage = t.stage
                    and e.status = 'completed'
                    and e.bucket >> 4 = t.block
                where not t.whole_day
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
    order by c.day, c.stage
$$;
