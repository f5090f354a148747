-- Dropping a week partition takes three ACCESS EXCLUSIVE locks, in this order: the events table
-- (DROP locks a partition's parent first), the week, and the default partition (whose constraint
-- changes). lock_timeout (500 ms) bounds each wait on its own, and every insert queues behind the
-- drop from the moment it holds the events table's lock: a week or default partition held by
-- autovacuum (which locks that partition only) stalled inserts for up to 500 ms more on each,
-- 1.5 s in all. Now retention takes the events table's lock first (ONLY: not every partition's)
-- under lock_timeout, and then gives the week and the default 50 ms: an insert waits at most one
-- lock_timeout and about 50 ms, whatever holds a partition. A busy week is skipped until the next
-- run, as before.

-- Takes the rest of what dropping analytics_partitions.<partition_name> needs, once the caller
-- holds the events table: the partition and the default, each within 50 ms (else
-- lock_not_available). Only autovacuum or an operator holds a partition without the events table.
create function private.lock_event_partition_to_drop(partition_name text)
returns void
language plpgsql
security invoker
set search_path = ''
set lock_timeout = '50ms'
as $$
begin
    execute pg_catalog.format(
        'lock table analytics_partitions.%I, analytics_partitions.events_default in access exclusive mode',
        partition_name
    );
end;
$$;

-- Called only by the retention, as the owner.
revoke execute on function private.lock_event_partition_to_drop(text) from public, anon, authenticated, service_role;

-- Retention, as before, but taking the events table's lock first and the partitions' briefly.
create or replace function private.drop_expired_event_partitions(now_at timestamptz default now(), at_most integer default null)
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
        -- A subtransaction: when a wait times out, the locks taken so far are released with it.
        begin
            lock table only public.analytics_events in access exclusive mode;
            perform private.lock_event_partition_to_drop(expired.relname);
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
            lock table only public.analytics_events in access exclusive mode;
            perform private.lock_event_partition_to_drop('events_before');
            drop table analytics_partitions.events_before;
            perform private.attach_event_partition('events_before', null, before_upper);
            return next 'emptied events_before';
        exception when lock_not_available then
            return next 'skipped events_before: its lock was busy for longer than lock_timeout';
        end;
    end if;
end;
$$;
