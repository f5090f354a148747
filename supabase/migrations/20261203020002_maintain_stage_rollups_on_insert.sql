-- Keeps the stage rollups equal to a recomputation from the raw events, in each insert's own
-- statement, on every path (the function, direct PostgREST inserts, trusted workers).
--
-- A statement-level AFTER trigger reads the statement's transition table, which holds only the
-- rows actually inserted: duplicates an upsert skipped never count, and a statement that failed
-- (a policy, the ingest limit) changed nothing. It is allowed on a partitioned parent too, so it
-- keeps working once analytics_events is partitioned by event_id. Each (job, stage) row keeps the
-- earliest end, the latest end and the first end at or after the latest start, so an arrival in any
-- order updates it without reading raw events, except one rare case: a start later than the
-- latest start but earlier than a known end after the cached first end. That case reads the
-- job's events through the foreign key's index (job_id, user_id), which every partition will have:
-- one probe per partition, and only in this rare case, so no extra index taxes every insert. The
-- histograms change by the job stage's old contribution out and its new one in.
--
-- Events whose job is gone (deleted: job_id set null) are no job's latency; service-role updates
-- or deletes of events are not followed (retention drops old events and keeps the rollups); after
-- such a repair, rollups.rebuild_stage_rollups(user_id) recomputes a user's rollups.

-- Folds a statement's stage events into the job-stage rows and the histograms. Security definer:
-- no API role may write rollups, so the owner does it on the inserter's behalf.
create function rollups.roll_up_inserted_stage_events()
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
    from_stored as (
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
                when fs.unknown then raw.occurred_at
                when fs.stored_end_at is null then fb.occurred_at
                when fb.occurred_at is null then fs.stored_end_at
                else least(fs.stored_end_at, fb.occurred_at)
            end as new_ended_at,
            case
                when fs.unknown then coalesce(raw.failed, false)
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
        left join lateral (
            select
                a.occurred_at,
                a.event = 'stage_failed' as failed
            from public.analytics_events as a
            where fs.unknown
                and a.job_id = fs.job_id
                and a.user_id = fs.user_id
                and a.stage = fs.stage
                and a.event in ('stage_completed', 'stage_failed')
                and a.occurred_at >= fs.started_at
            order by a.occurred_at, a.event desc
            limit 1
        ) as raw on true
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

-- Trigger functions run only as triggers; nobody needs to call it.
revoke execute on function rollups.roll_up_inserted_stage_events() from public, anon, authenticated, service_role;

-- Takes deleted job stages (their job was deleted) out of the histograms, so that they stay equal
-- to a recomputation. Security definer: no API role may write rollups.
create function rollups.remove_deleted_job_stages()
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

-- Trigger functions run only as triggers; nobody needs to call it.
revoke execute on function rollups.remove_deleted_job_stages() from public, anon, authenticated, service_role;

-- After the ingest limiter (triggers of one kind fire in name order), so a refused statement is
-- never rolled up; once per statement, also on a future partitioned parent.
create trigger roll_up_stage_events
    after insert on public.analytics_events
    referencing new table as inserted_events
    for each statement
    execute function rollups.roll_up_inserted_stage_events();

-- A deleted job's stages leave the histograms with it.
create trigger remove_deleted_job_stages
    after delete on rollups.job_stages
    referencing old table as deleted_job_stages
    for each statement
    execute function rollups.remove_deleted_job_stages();
