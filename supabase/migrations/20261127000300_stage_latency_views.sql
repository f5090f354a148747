-- How long each stage of each job took. security_invoker makes the events' RLS apply to the reader,
-- so a user only ever sees their own jobs.
create view public.job_stage_latency
with (security_invoker = true)
as
select
    e.user_id,
    e.job_id,
    e.stage,
    min(e.occurred_at) filter (where e.event = 'stage_started') as started_at,
    max(e.occurred_at) filter (where e.event = 'stage_completed') as completed_at,
    (
        extract(
            epoch from
            max(e.occurred_at) filter (where e.event = 'stage_completed')
            - min(e.occurred_at) filter (where e.event = 'stage_started')
        ) * 1000
    )::double precision as latency_ms
from public.analytics_events as e
where e.job_id is not null
    and e.stage is not null
    and e.event in ('stage_started', 'stage_completed')
group by
    e.user_id,
    e.job_id,
    e.stage;

-- Per user and stage, how many runs completed and their median and tail latency, for dashboards.
create view public.stage_latency_summary
with (security_invoker = true)
as
select
    l.user_id,
    l.stage,
    count(l.latency_ms) as completed_count,
    percentile_cont(0.5) within group (order by l.latency_ms) as p50_ms,
    percentile_cont(0.95) within group (order by l.latency_ms) as p95_ms
from public.job_stage_latency as l
group by
    l.user_id,
    l.stage;

-- Start from nothing whatever the platform's default privileges were, then grant what is needed.
revoke all on table public.job_stage_latency from public, anon, authenticated;

-- Start from nothing whatever the platform's default privileges were, then grant what is needed.
revoke all on table public.stage_latency_summary from public, anon, authenticated;

-- Dashboards read the views as the signed-in user; RLS on the events narrows the rows.
grant select on table public.job_stage_latency to authenticated, service_role;

-- Dashboards read the views as the signed-in user; RLS on the events narrows the rows.
grant select on table public.stage_latency_summary to authenticated, service_role;
