-- Lays the empty events table out as if it had been partitioned :days days ago: events_before
-- ends :days + 7 days back, and a week partition exists for every week from there to four weeks
-- ahead. Only for an empty scratch database: it drops every partition but the catch-alls after.
-- psql variables: days.
begin;

do $$
declare
    week record;
begin
    for week in
        select c.relname
        from pg_catalog.pg_inherits as i
        join pg_catalog.pg_class as c
            on c.oid = i.inhrelid
        where i.inhparent = 'public.analytics_events'::regclass
            and c.relname ~ '^events_w'
    loop
        execute format('drop table analytics_partitions.%I', week.relname);
    end loop;
end;
$$;

drop table analytics_partitions.events_before;
select set_config(
    'bench.first_week',
    date_trunc('week', (now() - make_interval(days => :days + 7)) at time zone 'UTC')::date::text,
    true
) as first_week \gset
select private.attach_event_partition(
    'events_before',
    null,
    private.uuid_v7_lower_bound(current_setting('bench.first_week')::date::timestamp at time zone 'UTC')
);
select count(*) as weeks_made
from private.create_event_partitions_ahead(now(), current_setting('bench.first_week')::date);

commit;
