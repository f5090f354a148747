-- The path past one Postgres: a publication of the events for logical replication (pgoutput),
-- the feed that Supabase ETL, ClickPipes (ClickHouse) or a second Postgres subscribe to.
-- publish_via_partition_root makes every partition's changes arrive as changes of
-- public.analytics_events, so a subscriber needs one table, whatever weeks come and go here.
-- TRUNCATE is not published: truncating a partition must never empty a subscriber's whole table.
-- Retention drops partitions (DDL, which logical replication does not carry), so an export keeps
-- every event it received: raw history lives on downstream after it leaves this database.
-- Rows are identified by the primary key (user_id, event_id), so deletes (a user deleted) and
-- the moves of early events between partitions replicate exactly.
create publication analytics_events_export
    for table public.analytics_events
    with (publish = 'insert, update, delete', publish_via_partition_root = true);
