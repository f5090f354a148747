-- The least a rollup maintained in the insert's own statement can cost: the rollup trigger of a
-- bench twin database replaced by one that does only what such a rollup must do, as barely as
-- Postgres allows. Per statement: the stored row of each (job, stage) it touches read for its start,
-- that row upserted, and one day-bucket row upserted per completion with its latency's log bucket,
-- each table with a primary key and nothing else (and the real tables' fillfactor, so that an
-- update may stay on its page). None of the rest: no foreign key, second index or
-- generated column, no arrival out of order or restart handled, no run's old contribution taken out,
-- no failed status, no block or all-time totals.
--
-- What it stores is no rollup to read. It is a lower bound: `scripts/bench-db --rollups` times it as
-- a third arm beside the real trigger, so that each run shows how much of the trigger's cost any
-- design that keeps the rollups in the insert's own statement would pay too.
create table rollups.floor_job_stages (
    job_id uuid,
    user_id uuid,
    stage text,
    started_at timestamptz,
    ended_at timestamptz,
    primary key (job_id, user_id, stage)
)
with (fillfactor = 80);

create table rollups.floor_days (
    user_id uuid,
    day date,
    stage text,
    bucket integer,
    runs bigint,
    primary key (user_id, day, stage, bucket)
)
with (fillfactor = 80);

-- Same name as the real trigger's function, so the trigger (and its place after the ingest
-- limiter) stays as it is.
create or replace function rollups.roll_up_inserted_stage_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    with stage_events as (
        select e.job_id, e.user_id, e.stage, e.occurred_at, e.event <> 'stage_started' as is_end
        from inserted_events as e
        where e.job_id is not null
            and e.stage is not null
            and e.event in ('stage_started', 'stage_completed', 'stage_failed')
    ),
    touched as (
        select
            se.job_id,
            se.user_id,
            se.stage,
            max(se.occurred_at) filter (where not se.is_end) as started_at,
            min(se.occurred_at) filter (where se.is_end) as ended_at
        from stage_events as se
        group by se.job_id, se.user_id, se.stage
    ),
    runs as (
        select t.job_id, t.user_id, t.stage, coalesce(t.started_at, s.started_at) as started_at, t.ended_at
        from touched as t
        left join rollups.floor_job_stages as s
            on s.job_id = t.job_id and s.user_id = t.user_id and s.stage = t.stage
    ),
    job_stages as (
        insert into rollups.floor_job_stages as s
        select r.job_id, r.user_id, r.stage, r.started_at, r.ended_at
        from runs as r
        on conflict (job_id, user_id, stage) do update
            set started_at = excluded.started_at, ended_at = coalesce(excluded.ended_at, s.ended_at)
    )
    insert into rollups.floor_days as d
    select
        r.user_id,
        (r.ended_at at time zone 'UTC')::date,
        r.stage,
        ceil(ln(pg_catalog.date_part('epoch', r.ended_at - r.started_at) * 1000) / ln(1.02)),
        count(*)
    from runs as r
    where r.ended_at > r.started_at
    group by 1, 2, 3, 4
    on conflict (user_id, day, stage, bucket) do update
        set runs = d.runs + excluded.runs;
    return null;
end;
$$;
