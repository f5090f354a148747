-- pg_cron runs the partition maintenance, so weeks are made ahead and dropped without anyone.
begin;
select plan(3);

select has_extension('pg_cron', 'pg_cron is installed');
select results_eq(
    $$ select schedule, command, active from cron.job where jobname = 'maintain-event-partitions' $$,
    $$ values ('17 * * * *'::text, 'call private.run_event_partition_maintenance()'::text, true) $$,
    'the maintenance is scheduled every hour'
);
select is(
    (select j.database from cron.job as j where j.jobname = 'maintain-event-partitions'),
    current_database()::text,
    'the job runs in this database'
);

select * from finish();
rollback;
