-- The rebuild writes the rollups in the order their reads use them: a user's daily histograms and
-- block totals by day, stage and outcome (their primary keys' order), the job stages per user in
-- the order their stages started. The rebuild grouped by hash before, which scattered each user's
-- rows of a day over the whole table; after a rebuild of 10M events, one user's 30-day range read
-- about 3,500 block rows from as many heap pages, and took 40% longer than from the same rows in key
-- order (20 ms against 14 ms in the server). The trigger writes each statement's rows in key order
-- already, so this leaves rebuilt rollups laid out as maintained ones, or better.

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
        d.bucket >> 4,
        sum(d.runs)
    from rollups.stage_latency_days as d
    where for_user is null or d.user_id = for_user
    group by 1, 2, 3, 4, 5
    order by d.user_id, d.day, d.stage, d.status, d.bucket >> 4;

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
