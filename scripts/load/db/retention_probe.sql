-- Beside the timed retention: inserts one event of user :uid per transaction, every 5 ms, and
-- records how long each took in retention_probe.waits, until retention_probe.done has a row. The
-- longest is the longest an insert waited behind retention's locks.
-- psql variables: uid.
select set_config('bench.probe_user', :'uid', false) as probe_user \gset
do $$
declare
    started timestamptz;
begin
    loop
        exit when exists (select 1 from retention_probe.done);
        started := clock_timestamp();
        insert into public.analytics_events (user_id, event)
        values (current_setting('bench.probe_user')::uuid, 'retention_probe');
        insert into retention_probe.waits values (extract(epoch from clock_timestamp() - started) * 1000);
        commit;
        perform pg_sleep(0.005);
    end loop;
end;
$$;
