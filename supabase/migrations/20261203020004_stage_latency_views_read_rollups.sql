-- The latency views read the rollups instead of aggregating the user's whole history on every
-- read, with the defined semantics ("Stage latency" in docs/REFERENCE.md): the latest run of each stage,
-- its status, attempts and end; failed runs counted apart; running ones too. Existing columns keep
-- their names and places; new ones come after.

-- One row per (job, stage) that has started, from its rollup row: reading it for a list of job ids
-- costs O(rows returned). security_invoker: the rollups' RLS shows a user only their own jobs.
create or replace view public.job_stage_latency
with (security_invoker = true)
as
select
    s.user_id,
    s.job_id,
    s.stage,
    s.started_at,
    case when s.status = 'completed' then s.ended_at end as completed_at,
    (pg_catalog.date_part('epoch', s.ended_at - s.started_at) * 1000)::double precision as latency_ms,
    s.status,
    s.attempts,
    s.ended_at,
    s.first_started_at
from rollups.job_stages as s
where s.attempts > 0;

-- Per user and stage, all time: completed runs with their p50 and p95 (nearest rank, within 1%, from
-- the log-bucket histogram), failed runs and runs still going. Reads O(stages x buckets) rows.
create or replace view public.stage_latency_summary
with (security_invoker = true)
as
select
    t.user_id,
    t.stage,
    coalesce(sum(t.runs) filter (where t.status = 'completed'), 0)::bigint as completed_count,
    rollups.histogram_quantile_ms(
        array_agg(t.bucket order by t.bucket) filter (where t.status = 'completed'),
        array_agg(t.runs order by t.bucket) filter (where t.status = 'completed'),
        0.5
    ) as p50_ms,
    rollups.histogram_quantile_ms(
        array_agg(t.bucket order by t.bucket) filter (where t.status = 'completed'),
        array_agg(t.runs order by t.bucket) filter (where t.status = 'completed'),
        0.95
    ) as p95_ms,
    coalesce(sum(t.runs) filter (where t.status = 'failed'), 0)::bigint as failed_count,
    coalesce(sum(t.runs) filter (where t.status = 'running'), 0)::bigint as running_count
from rollups.stage_latency_totals as t
group by
    t.user_id,
    t.stage
having sum(t.runs) > 0;
