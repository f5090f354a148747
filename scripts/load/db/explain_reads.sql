-- Shows how the dashboard's three reads (scripts/load/read_queries.ts) are executed for user :uid
-- under RLS: the same columns, order and limit that PostgREST receives from supabase-js.
-- psql variables: uid.
begin;

select set_config(
    'request.jwt.claims',
    json_build_object('sub', :'uid', 'role', 'authenticated')::text,
    true
) as claims \gset
set local role authenticated;

-- jobWaterfalls: the stage rows of the user's most recent jobs.
explain (analyze, buffers, costs off, timing on)
select job_id, stage, started_at, completed_at, latency_ms
from public.job_stage_latency
order by started_at desc nulls last
limit 200;

-- stageSummary: count, p50 and p95 per stage.
explain (analyze, buffers, costs off, timing on)
select stage, completed_count, p50_ms, p95_ms
from public.stage_latency_summary
order by stage;

-- latestEvents: the newest 50 events.
explain (analyze, buffers, costs off, timing on)
select event, stage, job_id, occurred_at
from public.analytics_events
order by occurred_at desc
limit 50;

rollback;
