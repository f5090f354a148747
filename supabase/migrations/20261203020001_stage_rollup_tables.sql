-- Stage-latency rollups: what the latency views and RPCs read instead of the raw events, so that a
-- read costs O(rows shown) or O(days x stages), never O(events). They are maintained in each
-- insert's own statement (20261203020002) and can be recomputed from the raw events
-- (20261203020003). They outlive raw-event retention: dropping old events never touches them.
--
-- Semantics ("Stage latency" in docs/REFERENCE.md): a stage of a job may run several times. The
-- latest run starts at the last stage_started; it ends at the first stage_completed or
-- stage_failed at or after that start (at one instant, failed wins). Ends are summarised by the
-- earliest, the latest, and the first at or after the latest start, which lets most arrivals,
-- also out of order, update a row without reading raw events.

-- Rollups are read by the public views as the signed-in user (security_invoker), so the API roles
-- need usage here; PostgREST does not expose this schema, so no table here is an endpoint.
create schema if not exists rollups;

-- One row per (job, stage) that has any stage event, including ends that arrived before any start.
create table rollups.job_stages (
    job_id uuid not null,
    stage text not null,
    user_id uuid not null,
    attempts integer not null default 0,
    first_started_at timestamptz null,
    started_at timestamptz null,
    ended_at timestamptz null,
    ended_failed boolean not null default false,
    first_end_at timestamptz null,
    first_end_failed boolean not null default false,
    last_end_at timestamptz null,
    status text generated always as (
        case
            when started_at is null then null
            when ended_at is null then 'running'
            when ended_failed then 'failed'
            else 'completed'
        end
    ) stored,
    -- The UTC day the latest run ended on: its day in the daily histograms.
    run_day date generated always as ((ended_at at time zone 'UTC')::date) stored,
    -- The latest run's histogram bucket: bucket i holds latencies in (1.02^(i-1), 1.02^i] ms, so
    -- its middle value (rollups.bucket_latency_ms) is within 1% of every latency in it (DDSketch's
    -- scheme, relative accuracy 0.0099); -32767 holds a latency of 0, -32768 a run still going.
    -- Stored, so that the trigger, the rebuild and the range reads never compute it per row.
    run_bucket integer generated always as (
        case
            when ended_at is null then -32768
            when ended_at <= started_at then -32767
            else pg_catalog.ceil(
                pg_catalog.ln(pg_catalog.date_part('epoch', ended_at - started_at) * 1000)
                / pg_catalog.ln(1.02::double precision)
            )::integer
        end
    ) stored,
    primary key (job_id, user_id, stage)
)
with (fillfactor = 80);

-- Per user, stage, UTC day of the end, outcome and log bucket of the latency: how many runs ended.
-- A day range's percentiles read O(days x stages x buckets) rows of this table.
create table rollups.stage_latency_days (
    user_id uuid not null references auth.users (id) on delete cascade,
    stage text not null,
    day date not null,
    status text not null,
    bucket integer not null,
    runs bigint not null,
    primary key (user_id, day, stage, status, bucket)
)
with (fillfactor = 80);

-- Per user, stage, status and log bucket over all time: the all-time summary without a day scan.
-- Running runs sit in bucket -32768 (no latency yet).
create table rollups.stage_latency_totals (
    user_id uuid not null references auth.users (id) on delete cascade,
    stage text not null,
    status text not null,
    bucket integer not null,
    runs bigint not null,
    primary key (user_id, stage, status, bucket)
)
with (fillfactor = 70);

-- A (job, stage) belongs to its job and its job's owner, like its events. Deleting the job deletes
-- its rollup rows (its events lose their job_id, so they are no longer any job's latency), and a
-- trigger (20261203020002) takes their runs out of the histograms.
alter table rollups.job_stages
    add constraint job_stages_job_id_user_id_fkey foreign key (job_id, user_id)
    references public.jobs (id, user_id)
    on delete cascade;

-- Outcomes the histograms count: ended runs per day; running runs too in the all-time totals.
alter table rollups.stage_latency_days
    add constraint stage_latency_days_status_is_an_end check (status in ('completed', 'failed'));

-- Outcomes the all-time totals count.
alter table rollups.stage_latency_totals
    add constraint stage_latency_totals_status_is_known check (status in ('running', 'completed', 'failed'));

-- Serves time-range reads of the edge days (runs that ended in a part of a day), per user, and the
-- rebuild's per-user reads. The foreign key to jobs is covered by the primary key's prefix.
create index job_stages_user_id_ended_at_idx
    on rollups.job_stages (user_id, ended_at);

-- Users read their rollups only through the views and RPCs, which run as the reader.
alter table rollups.job_stages enable row level security;

-- Users read their rollups only through the views and RPCs, which run as the reader.
alter table rollups.stage_latency_days enable row level security;

-- Users read their rollups only through the views and RPCs, which run as the reader.
alter table rollups.stage_latency_totals enable row level security;

-- Nothing but what follows, whatever the platform's default privileges were.
revoke all on schema rollups from public, anon;

-- The security-invoker views and RPCs resolve names here as the reader.
grant usage on schema rollups to authenticated, service_role;

-- Only the insert trigger and the rebuild (running as the owner) write rollups; no API role can.
revoke all on table rollups.job_stages from public, anon, authenticated, service_role;

-- Only the insert trigger and the rebuild (running as the owner) write rollups; no API role can.
revoke all on table rollups.stage_latency_days from public, anon, authenticated, service_role;

-- Only the insert trigger and the rebuild (running as the owner) write rollups; no API role can.
revoke all on table rollups.stage_latency_totals from public, anon, authenticated, service_role;

-- Readers of the views; the policies below narrow signed-in users to their own rows.
grant select on table rollups.job_stages to authenticated, service_role;

-- Readers of the views and RPCs; the policies below narrow signed-in users to their own rows.
grant select on table rollups.stage_latency_days to authenticated, service_role;

-- Readers of the summary view; the policies below narrow signed-in users to their own rows.
grant select on table rollups.stage_latency_totals to authenticated, service_role;

-- The value that stands for a bucket: within 1% of every latency in it.
create function rollups.bucket_latency_ms(bucket integer)
returns double precision
language sql
immutable
parallel safe
security invoker
set search_path = ''
as $$
    select case
        when bucket = -32767 then 0::double precision
        else 2 * pg_catalog.power(1.02::double precision, bucket) / 2.02
    end
$$;

-- Called by the views and RPCs as the reader.
revoke execute on function rollups.bucket_latency_ms(integer) from public, anon;
grant execute on function rollups.bucket_latency_ms(integer) to authenticated, service_role;

-- The q-quantile (nearest rank, as percentile_disc: the first run whose rank reaches q x n) of a
-- histogram given as parallel arrays of buckets and run counts in bucket order (a bucket may
-- repeat, e.g. once per day). Null when it holds no run.
create function rollups.histogram_quantile_ms(buckets integer[], runs bigint[], q double precision)
returns double precision
language sql
immutable
parallel safe
security invoker
set search_path = ''
as $$
    with ranked as (
        select
            h.bucket,
            h.position,
            sum(h.runs) over (order by h.position) as runs_so_far,
            sum(h.runs) over () as total_runs
        from unnest(buckets, runs) with ordinality as h (bucket, runs, position)
    )
    select rollups.bucket_latency_ms(r.bucket)
    from ranked as r
    where r.total_runs > 0
        and r.runs_so_far >= greatest(pg_catalog.ceil(q * r.total_runs), 1)
    order by r.position
    limit 1
$$;

-- Called by the views and RPCs as the reader.
revoke execute on function rollups.histogram_quantile_ms(integer[], bigint[], double precision) from public, anon;
grant execute on function rollups.histogram_quantile_ms(integer[], bigint[], double precision)
    to authenticated, service_role;

-- A user reads only their own job stages, through job_stage_latency.
create policy "users can view their own job stage rollups"
    on rollups.job_stages
    for select
    to authenticated
    using (user_id = (select auth.uid()));

-- A user reads only their own daily histograms, through the range and trend RPCs.
create policy "users can view their own daily stage latency histograms"
    on rollups.stage_latency_days
    for select
    to authenticated
    using (user_id = (select auth.uid()));

-- A user reads only their own all-time histograms, through stage_latency_summary.
create policy "users can view their own all time stage latency histograms"
    on rollups.stage_latency_totals
    for select
    to authenticated
    using (user_id = (select auth.uid()));
