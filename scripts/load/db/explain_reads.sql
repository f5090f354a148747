-- Shows how the dashboard's reads (apps/dashboard/src/queries.ts) are executed for user :uid under
-- RLS: the same columns, order and limits that PostgREST receives from supabase-js.
-- psql variables: uid.
begin;

select set_config(
    'request.jwt.claims',
    json_build_object('sub', :'uid', 'role', 'authenticated')::text,
    true
) as claims \gset
set local role authenticated;

-- jobs_page: the newest 50 jobs (the exact count is a second, index-only query).
explain (analyze, buffers, costs off, timing on)
select id, name, status, created_at
from public.jobs
order by created_at desc, id
limit 50;

-- job_stages: the stages of exactly those jobs.
explain (analyze, buffers, costs off, timing on)
select job_id, stage, status, attempts, started_at, ended_at, first_started_at, latency_ms
from public.job_stage_latency
where job_id in (
    select id from public.jobs order by created_at desc, id limit 50
)
order by job_id, first_started_at;

-- stage_summary: all time, per stage, from the all-time histograms.
explain (analyze, buffers, costs off, timing on)
select stage, completed_count, failed_count, running_count, p50_ms, p95_ms
from public.stage_latency_summary
order by stage;

-- stages_in_range and stage_trend: the body of both RPCs, for the last 30 days.
explain (analyze, buffers, costs off, timing on)
select *
from rollups.daily_latency_figures(now() - interval '30 days', now());

-- latest_events: the newest 50 events.
explain (analyze, buffers, costs off, timing on)
select event, stage, job_id, occurred_at
from public.analytics_events
order by occurred_at desc
limit 50;

rollback;
