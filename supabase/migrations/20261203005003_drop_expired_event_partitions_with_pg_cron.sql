-- Retention: events older than private.event_partition_settings.retention (13 months by default)
-- go as whole week partitions, a catalog change instead of a DELETE of millions of rows and the
-- bloat after it. The same maintenance makes the weeks ahead. pg_cron runs it every hour where
-- the database has pg_cron (Supabase: `create extension pg_cron`; the local stack preloads it);
-- anywhere else, `call private.run_event_partition_maintenance()` from any scheduler (or, in one
-- transaction, `select * from private.maintain_event_partitions()`, which tests use).
--
-- An id's own time decides its lifetime. A UUIDv7 goes with its week. A random (v4) id is kept as
-- long as the partition its first 48 bits fall in: ~99% land in events_after (a time past the
-- horizon), which no retention drops, and the rest go as if they were UUIDv7 of the time their
-- bits spell (in events_before: once its whole range has expired). Rollups of these events (stage latency) are
-- kept in their own tables, which retention does not touch.

-- Drops every week partition whose whole week is older than the retention, and empties
-- events_before once its whole range is (it holds only ids older than the first week: clocks far
-- behind, random ids with a small prefix) by swapping in an empty table. Whole tables, never
-- DELETE: no bloat, and a logical replica (an export) keeps what it received, as it does for the
-- weeks. A drop needs ACCESS EXCLUSIVE on the parent, so it waits at most lock_timeout (then that
-- table is skipped until the next run) and holds it for a catalog change only: inserts wait at
-- most about that long. At most `at_most` tables (all when null). Returns what it did.
create function private.drop_expired_event_partitions(now_at timestamptz default now(), at_most integer default null)
returns setof text
language plpgsql
security invoker
set search_path = ''
set lock_timeout = '500ms'
as $$
declare
    retention interval := (select s.retention from private.event_partition_settings as s);
    cutoff date := (pg_catalog.date_trunc('day', (now_at - retention) at time zone 'UTC'))::date;
    expired record;
    before_upper uuid;
    handled integer := 0;
begin
    for expired in
        select c.relname, pg_catalog.to_date(pg_catalog.substr(c.relname, 9), 'YYYYMMDD') as week_start
        from pg_catalog.pg_inherits as i
        join pg_catalog.pg_class as c
            on c.oid = i.inhrelid
        where i.inhparent = 'public.analytics_events'::regclass
            and c.relname ~ '^events_w[0-9]{8}$'
            and pg_catalog.to_date(pg_catalog.substr(c.relname, 9), 'YYYYMMDD') + 7 <= cutoff
        order by 2
        limit at_most
    loop
        handled := handled + 1;
        begin
            execute pg_catalog.format('drop table analytics_partitions.%I', expired.relname);
            return next 'dropped ' || expired.relname;
        exception when lock_not_available then
            return next 'skipped ' || expired.relname || ': its lock was busy for longer than lock_timeout';
        end;
    end loop;

    select (pg_catalog.regexp_match(pg_catalog.pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::uuid
    into before_upper
    from pg_catalog.pg_class as c
    where c.oid = 'analytics_partitions.events_before'::regclass;
    if (at_most is null or handled < at_most)
        and before_upper <= private.uuid_v7_lower_bound(cutoff::timestamp at time zone 'UTC')
        and exists (select 1 from analytics_partitions.events_before) then
        begin
            drop table analytics_partitions.events_before;
            perform private.attach_event_partition('events_before', null, before_upper);
            return next 'emptied events_before';
        exception when lock_not_available then
            return next 'skipped events_before: its lock was busy for longer than lock_timeout';
        end;
    end if;
end;
$$;

-- Called by the maintenance, as the owner.
revoke execute on function private.drop_expired_event_partitions(timestamptz, integer)
    from public, anon, authenticated, service_role;

-- The whole maintenance, idempotent and safe to run at any time: the weeks ahead, then retention.
create function private.maintain_event_partitions(now_at timestamptz default now())
returns setof text
language sql
volatile
security invoker
set search_path = ''
as $$
    select 'created ' || made from private.create_event_partitions_ahead(now_at) as made
    union all
    select done from private.drop_expired_event_partitions(now_at) as done
$$;

-- Run by pg_cron or an operator, as the owner.
revoke execute on function private.maintain_event_partitions(timestamptz)
    from public, anon, authenticated, service_role;

-- What pg_cron runs: the same maintenance, one transaction per table, so that inserts wait for one
-- drop at a time (about a tenth of a second), never for a whole backlog of weeks. No SET clause:
-- a procedure with one cannot commit; every name inside is schema-qualified instead.
create procedure private.run_event_partition_maintenance()
language plpgsql
security invoker
as $$
declare
    done text[];
begin
    perform private.create_event_partitions_ahead(pg_catalog.now());
    commit;
    loop
        done := array(select private.drop_expired_event_partitions(pg_catalog.now(), 1));
        commit;
        exit when pg_catalog.cardinality(done) = 0 or done[1] like 'skipped %';
    end loop;
end;
$$;

-- Run by pg_cron or an operator, as the owner.
revoke execute on procedure private.run_event_partition_maintenance() from public, anon, authenticated, service_role;

-- Hourly, so that a week skipped for a busy lock is retried soon. Only where pg_cron is loaded
-- and schedules jobs for this very database; elsewhere a notice says what to run instead.
do $$
begin
    if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_cron')
        and pg_catalog.current_setting('shared_preload_libraries') ~ '(^|[ ,])pg_cron($|[ ,])'
        and pg_catalog.current_setting('cron.database_name', true) = pg_catalog.current_database() then
        create extension if not exists pg_cron;
        perform cron.schedule(
            'maintain-event-partitions',
            '17 * * * *',
            'call private.run_event_partition_maintenance()'
        );
    else
        raise notice 'pg_cron is not loaded for this database: run call private.run_event_partition_maintenance() hourly elsewhere';
    end if;
end;
$$;
