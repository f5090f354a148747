-- Partitions public.analytics_events by range of event_id, one partition a week, in place: the
-- populated table is copied into the partitioned one within this migration's transaction, every
-- row and id kept. UUIDv7 ids (the function's, the SDK's, the column default) carry their time in
-- their first 48 bits, so a week of ids is a range and old weeks drop as whole partitions.
--
-- The partitions live in schema analytics_partitions, which no API role can use: every read and
-- write goes through the parent, whose policies, grants and limiter trigger decide.
--
-- Ids of any clock land somewhere, exactly once:
--   analytics_partitions.events_before   [MINVALUE, first week): older clocks, v4 ids with a small prefix
--   analytics_partitions.events_wYYYYMMDD one per week (Monday, UTC), made ahead by the maintenance
--   analytics_partitions.events_default  DEFAULT: the gap between the last week made and the horizon
--   analytics_partitions.events_after    [horizon, MAXVALUE): ~99% of random (v4) ids, the far future
-- Both catch-alls have fixed bounds and are never re-bounded, so no large table is ever scanned to
-- make a week; the default holds only the thin gap (~0.1% of v4 ids, and clocks weeks ahead).
--
-- The primary key becomes (user_id, event_id), the idempotency key: a primary key of a
-- partitioned table must include the partition key, so `id bigint identity` cannot stay one. It
-- stays a column, every row keeping its value, numbered in insertion order by the same sequence,
-- but without an index: nothing looks events up by it, and its index cost ~20 bytes an event.

-- One transaction, explicitly: `supabase migration up` runs a file's statements one by one, and a
-- copy that failed halfway must leave the old table in place.
begin;

-- Where the partitions live: out of PostgREST's reach, and out of every API role's.
create schema analytics_partitions;

-- No API role may use the schema, whatever the platform's defaults were: partitions are reached
-- only through public.analytics_events.
revoke all on schema analytics_partitions from public, anon, authenticated, service_role;

-- The one place for the events' lifetime settings, changed by operators with an update.
create table private.event_partition_settings (
    singleton boolean primary key default true,
    retention interval not null default interval '13 months',
    weeks_ahead integer not null default 4
);

-- One row only: the settings.
alter table private.event_partition_settings
    add constraint event_partition_settings_one_row check (singleton);

-- At least a week of events is kept: a shorter retention would drop the current week.
alter table private.event_partition_settings
    add constraint event_partition_settings_retention_at_least_a_week
    check (retention >= interval '7 days');

-- At least one week is made ahead, so that next week's events never wait for the maintenance.
alter table private.event_partition_settings
    add constraint event_partition_settings_weeks_ahead_in_range check (weeks_ahead between 1 and 52);

-- Deny by default: no API role has a policy, so even a stray grant shows no row.
alter table private.event_partition_settings enable row level security;

-- Users can neither read nor change the settings.
revoke all on table private.event_partition_settings from public, anon, authenticated, service_role;

-- The defaults: 13 months of raw events, four weeks of partitions made ahead.
insert into private.event_partition_settings default values;

-- Take the table for the whole copy: nobody writes an event the copy would miss.
lock table public.analytics_events in access exclusive mode;

-- The old table steps aside with its indexes and sequence, so that the names are free in public.
alter table public.analytics_events set schema private;

-- Renamed, so that nothing mistakes it for the live table until it is dropped below.
alter table private.analytics_events rename to analytics_events_unpartitioned;

-- Append-only analytics events, partitioned by week of event_id. Users insert and read their own;
-- trusted workers write for anyone.
create table public.analytics_events (
    id bigint generated always as identity,
    user_id uuid not null default auth.uid(),
    job_id uuid null,
    event_id uuid not null default private.uuid_generate_v7(),
    event text not null,
    stage text null,
    properties jsonb not null default '{}'::jsonb,
    occurred_at timestamptz not null default now(),
    received_at timestamptz not null default now(),
    constraint analytics_events_event_length check (char_length(event) between 1 and 128),
    constraint analytics_events_event_no_control_characters check (event !~ '[[:cntrl:]]'),
    constraint analytics_events_stage_length check (stage is null or char_length(stage) between 1 and 64),
    constraint analytics_events_stage_no_control_characters check (stage is null or stage !~ '[[:cntrl:]]'),
    constraint analytics_events_properties_is_object check (jsonb_typeof(properties) = 'object'),
    constraint analytics_events_properties_size check (octet_length(properties::text) <= 32768)
)
partition by range (event_id);

-- The name of the partition of the week that starts on a Monday.
create function private.event_partition_name(week_start date)
returns text
language sql
immutable
security invoker
set search_path = ''
as $$
    select 'events_w' || pg_catalog.to_char(week_start, 'YYYYMMDD')
$$;

-- Called only by the maintenance, which runs as the owner.
revoke execute on function private.event_partition_name(date) from public, anon, authenticated, service_role;

-- Attaches a new, empty partition of ids [lower_bound, upper_bound) (null: MINVALUE) without
-- blocking inserts: the table is built alone and attached, which takes only SHARE UPDATE
-- EXCLUSIVE on the parent (CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE). ATTACH
-- scans the default partition, which has no CHECK for the range: it is kept thin. Events of the
-- range that arrived early (a clock ahead, a random id) wait in the default; they are deleted
-- there and inserted into the attached partition, both through the partition tree, so that a
-- logical replica sees them leave and arrive in one transaction, and the parent's statement
-- triggers (limiter, rollups) never count them twice.
create function private.attach_event_partition(partition_name text, lower_bound uuid, upper_bound uuid)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
    from_bound text := coalesce(pg_catalog.quote_literal(lower_bound::text), 'minvalue');
begin
    execute pg_catalog.format(
        'create table analytics_partitions.%I (like public.analytics_events including defaults including constraints)',
        partition_name
    );
    -- A validated CHECK that matches the bounds lets ATTACH skip the new table's scan.
    execute pg_catalog.format(
        'alter table analytics_partitions.%I add constraint %I check (%s event_id < %L)',
        partition_name,
        partition_name || '_bounds',
        case when lower_bound is null then '' else pg_catalog.format('event_id >= %L and', lower_bound) end,
        upper_bound
    );
    -- Partitions are reached only through the parent: RLS on, no policy, no privilege.
    execute pg_catalog.format('alter table analytics_partitions.%I enable row level security', partition_name);
    execute pg_catalog.format(
        'revoke all on table analytics_partitions.%I from public, anon, authenticated, service_role',
        partition_name
    );

    if pg_catalog.to_regclass('pg_temp.early_events') is null then
        create temporary table early_events (like public.analytics_events) on commit drop;
    end if;
    truncate pg_temp.early_events;
    if pg_catalog.to_regclass('analytics_partitions.events_default') is not null then
        execute pg_catalog.format(
            'with moved as (
                delete from analytics_partitions.events_default
                where %s event_id < %L
                returning *
            )
            insert into pg_temp.early_events select * from moved',
            case when lower_bound is null then '' else pg_catalog.format('event_id >= %L and', lower_bound) end,
            upper_bound
        );
    end if;

    execute pg_catalog.format(
        'alter table public.analytics_events attach partition analytics_partitions.%I for values from (%s) to (%L)',
        partition_name, from_bound, upper_bound
    );
    execute pg_catalog.format(
        'alter table analytics_partitions.%I drop constraint %I',
        partition_name, partition_name || '_bounds'
    );
    execute pg_catalog.format('insert into analytics_partitions.%I select * from pg_temp.early_events', partition_name);
end;
$$;

-- Called only by the maintenance and this migration, as the owner.
revoke execute on function private.attach_event_partition(text, uuid, uuid)
    from public, anon, authenticated, service_role;

-- Makes the partition of the week that starts on a Monday (UTC). Returns its name, or null when
-- it exists.
create function private.create_event_partition(week_start date)
returns text
language plpgsql
security invoker
set search_path = ''
as $$
declare
    partition_name text := private.event_partition_name(week_start);
begin
    if extract(isodow from week_start) <> 1 then
        raise exception 'a week partition starts on a Monday, not on %', week_start;
    end if;
    if pg_catalog.to_regclass('analytics_partitions.' || partition_name) is not null then
        return null;
    end if;
    perform private.attach_event_partition(
        partition_name,
        private.uuid_v7_lower_bound(week_start::timestamp at time zone 'UTC'),
        private.uuid_v7_lower_bound((week_start + 7)::timestamp at time zone 'UTC')
    );
    return partition_name;
end;
$$;

-- Called only by the maintenance and this migration, as the owner.
revoke execute on function private.create_event_partition(date) from public, anon, authenticated, service_role;

-- Makes every missing week from the one after the newest week partition (or from `first_week`
-- when there is none) through the week `weeks_ahead` weeks after `now_at`, stopping short of the
-- far catch-all. Returns the partitions made.
create function private.create_event_partitions_ahead(now_at timestamptz default now(), first_week date default null)
returns setof text
language plpgsql
security invoker
set search_path = ''
as $$
declare
    ahead integer := (select s.weeks_ahead from private.event_partition_settings as s);
    last_week date := (pg_catalog.date_trunc('week', now_at at time zone 'UTC') + ahead * interval '7 days')::date;
    horizon uuid;
    week date;
    made text;
begin
    select pg_catalog.max(pg_catalog.to_date(pg_catalog.substr(c.relname, 9), 'YYYYMMDD')) + 7
    into week
    from pg_catalog.pg_inherits as i
    join pg_catalog.pg_class as c
        on c.oid = i.inhrelid
    where i.inhparent = 'public.analytics_events'::regclass
        and c.relname ~ '^events_w[0-9]{8}$';
    week := coalesce(week, first_week, pg_catalog.date_trunc('week', now_at at time zone 'UTC')::date);

    select (pg_catalog.regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::uuid
    into horizon
    from pg_catalog.pg_class as c
    where c.oid = pg_catalog.to_regclass('analytics_partitions.events_after');

    while week <= last_week loop
        if horizon is not null
            and private.uuid_v7_lower_bound((week + 7)::timestamp at time zone 'UTC') > horizon then
            raise warning 'week % reaches the far catch-all analytics_partitions.events_after; move its bound', week;
            exit;
        end if;
        made := private.create_event_partition(week);
        if made is not null then
            return next made;
        end if;
        week := week + 7;
    end loop;
end;
$$;

-- Called only by the maintenance and this migration, as the owner.
revoke execute on function private.create_event_partitions_ahead(timestamptz, date)
    from public, anon, authenticated, service_role;

-- The catch-alls and the weeks, then the copy. The first week is the oldest week of the UUIDv7
-- ids still within retention (or this week): older ids and clocks go to events_before.
do $$
declare
    retention interval := (select s.retention from private.event_partition_settings as s);
    oldest_v7 uuid;
    first_week date;
    horizon date;
begin
    select o.event_id
    into oldest_v7
    from private.analytics_events_unpartitioned as o
    where o.event_id >= private.uuid_v7_lower_bound(now() - retention)
        and o.event_id < private.uuid_v7_lower_bound(now())
        and pg_catalog.substr(o.event_id::text, 15, 1) = '7'
    order by o.event_id
    limit 1;
    first_week := pg_catalog.date_trunc(
        'week',
        coalesce(
            pg_catalog.to_timestamp(('x' || pg_catalog.substr(pg_catalog.replace(oldest_v7::text, '-', ''), 1, 12))::bit(48)::bigint / 1000.0),
            now()
        ) at time zone 'UTC'
    )::date;
    -- Ten years of weeks before the far catch-all: the default's gap holds ~0.1% of v4 ids.
    horizon := (pg_catalog.date_trunc('week', now() at time zone 'UTC') + interval '520 weeks')::date;

    execute pg_catalog.format(
        'create table analytics_partitions.events_before partition of public.analytics_events
            for values from (minvalue) to (%L)',
        private.uuid_v7_lower_bound(first_week::timestamp at time zone 'UTC')
    );
    execute pg_catalog.format(
        'create table analytics_partitions.events_after partition of public.analytics_events
            for values from (%L) to (maxvalue)',
        private.uuid_v7_lower_bound(horizon::timestamp at time zone 'UTC')
    );
    create table analytics_partitions.events_default partition of public.analytics_events default;
    perform private.create_event_partitions_ahead(now(), first_week);
end;
$$;

-- Partitions are reached only through the parent: RLS on, no policy, no privilege.
alter table analytics_partitions.events_before enable row level security;

-- Partitions are reached only through the parent: RLS on, no policy, no privilege.
alter table analytics_partitions.events_after enable row level security;

-- Partitions are reached only through the parent: RLS on, no policy, no privilege.
alter table analytics_partitions.events_default enable row level security;

-- No API role may touch a catch-all directly.
revoke all on table analytics_partitions.events_before, analytics_partitions.events_after,
    analytics_partitions.events_default
    from public, anon, authenticated, service_role;

-- Every row and id, into its week. Before the indexes and the limiter: a bulk load, not charged.
insert into public.analytics_events (id, user_id, job_id, event_id, event, stage, properties, occurred_at, received_at)
overriding system value
select o.id, o.user_id, o.job_id, o.event_id, o.event, o.stage, o.properties, o.occurred_at, o.received_at
from private.analytics_events_unpartitioned as o;

-- New rows are numbered after the copied ones, as before.
select pg_catalog.setval(
    pg_catalog.pg_get_serial_sequence('public.analytics_events', 'id'),
    coalesce((select pg_catalog.max(o.id) from private.analytics_events_unpartitioned as o), 0) + 1,
    false
);

-- The idempotency key, scoped per user so that nobody can block or shadow another user's event.
-- It is the primary key: it includes the partition key, and logical replication identifies rows by it.
alter table public.analytics_events
    add constraint analytics_events_pkey primary key (user_id, event_id);

-- Deleting a user deletes their events.
alter table public.analytics_events
    add constraint analytics_events_user_id_fkey foreign key (user_id)
    references auth.users (id)
    on delete cascade;

-- An event can only point at a job owned by the same user, even when the service role writes it.
-- Deleting a job keeps the user's events and only clears their job_id, because events are the
-- user's history and outlive the job; user_id stays, so the row still belongs to its user.
-- MATCH SIMPLE (the default) skips the check when job_id is null.
alter table public.analytics_events
    add constraint analytics_events_job_id_user_id_fkey foreign key (job_id, user_id)
    references public.jobs (id, user_id)
    on delete set null (job_id);

-- Covers the composite foreign key, so deleting a job finds its events without a scan.
create index analytics_events_job_id_user_id_idx
    on public.analytics_events (job_id, user_id);

-- Serves dashboards' "my latest events" (RLS on user_id, ordered by occurred_at) without a sort;
-- per-user reads by RLS and the views can use it or the primary key.
create index analytics_events_user_id_occurred_at_idx
    on public.analytics_events (user_id, occurred_at);

-- Users reach events through PostgREST, so row-level security decides which rows they see.
alter table public.analytics_events enable row level security;

-- Start from nothing whatever the platform's default privileges were, then grant what is needed.
revoke all on table public.analytics_events from public, anon, authenticated;

-- The identity sequence gets the platform's default privileges too; setval would be a denial of service.
revoke all on sequence public.analytics_events_id_seq from public, anon, authenticated;

-- Signed-in users read their own events (the policy narrows the rows).
grant select on table public.analytics_events to authenticated;

-- Users may append events but never choose id or received_at, which the server owns.
grant insert (user_id, job_id, event_id, event, stage, properties, occurred_at)
    on table public.analytics_events
    to authenticated;

-- Trusted backend workers write events for any user; the foreign keys still bind them.
grant all on table public.analytics_events to service_role;

-- Trusted backend workers may read or reset the identity sequence.
grant all on sequence public.analytics_events_id_seq to service_role;

-- The authoritative guard: a user writes only as themselves, and only for jobs they own. A job
-- that does not exist and a job owned by someone else fail alike, so no caller learns which it was.
create policy "users can insert events for their own jobs"
    on public.analytics_events
    for insert
    to authenticated
    with check (
        user_id = (select auth.uid())
        and (
            job_id is null
            or exists (
                select 1
                from public.jobs as j
                where j.id = analytics_events.job_id
                    and j.user_id = (select auth.uid())
            )
        )
    );

-- A user reads only their own events, directly or through the security-invoker views.
create policy "users can view their own events"
    on public.analytics_events
    for select
    to authenticated
    using (user_id = (select auth.uid()));

-- One charge per insert statement, after its rows passed the policy and the constraints. The
-- transition table of a partitioned table's statement trigger holds the rows of every partition.
create trigger limit_event_ingest
    after insert on public.analytics_events
    referencing new table as inserted_events
    for each statement
    execute function private.limit_event_ingest();

-- The views follow a table by identity, so they still read the old one: point them at the new.
create or replace view public.job_stage_latency
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

-- Every row is in the partitioned table now; the old one and its identity sequence go.
drop table private.analytics_events_unpartitioned;

commit;
