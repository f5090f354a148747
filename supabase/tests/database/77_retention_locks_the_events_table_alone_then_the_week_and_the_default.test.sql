-- Retention takes the events table's lock itself, with ONLY: LOCK TABLE on a partitioned table
-- would otherwise lock every partition, one lock_timeout each. What a drop holds is the events
-- table, the week it drops and the default partition, and no other partition. Its lock helper is
-- for the retention alone.
begin;
select plan(3);

-- setup: the weeks made before this transaction (made in it, a week would hold its lock from
-- being made) expire under a retention of 7 days seven weeks on
update private.event_partition_settings set retention = interval '7 days';

-- postgres: one week dropped, in this transaction, so its locks are still held
create temporary table done as
select * from private.drop_expired_event_partitions(now() + interval '7 weeks', 1) as action;
select ok(
    (select action like 'dropped events_w%' from done),
    'retention drops the oldest expired week'
);
select is(
    (
        select array_agg(l.relation::regclass::text order by l.relation::regclass::text)
        from pg_catalog.pg_locks as l
        where l.pid = pg_catalog.pg_backend_pid()
            and l.locktype = 'relation'
            and l.mode = 'AccessExclusiveLock'
            and l.relation in (
                select 'public.analytics_events'::regclass::oid
                union all
                select i.inhrelid from pg_catalog.pg_inherits as i
                where i.inhparent = 'public.analytics_events'::regclass
            )
    ),
    array['analytics_events', 'analytics_partitions.events_default'],
    'the drop holds the events table and the default partition (the dropped week is gone), no other partition'
);
-- postgres: no API role may call the lock helper
select ok(
    not exists (
        select 1
        from unnest(array['anon', 'authenticated', 'service_role']) as r(role)
        where pg_catalog.has_function_privilege(r.role, 'private.lock_event_partition_to_drop(text)', 'execute')
    ),
    'no API role may execute private.lock_event_partition_to_drop'
);

select * from finish();
rollback;
