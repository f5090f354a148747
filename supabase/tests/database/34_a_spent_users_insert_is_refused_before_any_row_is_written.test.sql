-- A refused batch must cost next to nothing: a spent user's statement is refused before its first
-- row is written. pg_stat_xact_user_tables counts every row this transaction inserted, also those
-- of a statement that then failed, so an unchanged count means no row was written.
begin;
select plan(7);

-- setup: alice may send 600 events at once, then one per second
select tests.create_user('alice');
insert into private.ingest_limits (user_id, events_per_second, burst)
values (tests.get_user_id('alice'), 1, 600);

-- The rows this transaction has inserted into analytics_events so far, written or rolled back,
-- in whichever of its partitions they landed.
create function pg_temp.rows_written() returns bigint language sql as $$
    select coalesce(sum(s.n_tup_ins), 0)::bigint
    from pg_catalog.pg_stat_xact_user_tables as s
    where s.relid in (select t.relid from pg_catalog.pg_partition_tree('public.analytics_events') as t)
$$;
grant execute on function pg_temp.rows_written() to authenticated;
create temporary table written (label text primary key, rows_written bigint);
grant all on written to authenticated;

-- owner: the burst is written (the count does see rows)
select tests.authenticate_as('alice');
insert into written values ('before the burst', pg_temp.rows_written());
select lives_ok(
    $$ insert into public.analytics_events (event) select 'burst_' || n from generate_series(1, 600) as n $$,
    'alice spends her burst'
);
select is(
    pg_temp.rows_written() - (select rows_written from written where label = 'before the burst'),
    600::bigint,
    'the stored burst counts as 600 rows written'
);

-- owner: a plain batch of 500 is refused, and not one of its rows was written
insert into written values ('before the batch', pg_temp.rows_written());
select throws_like(
    $$ insert into public.analytics_events (event) select 'batch_' || n from generate_series(1, 500) as n $$,
    '%rate_limited%',
    'a batch of 500 from a spent user is refused'
);
select is(
    pg_temp.rows_written(),
    (select rows_written from written where label = 'before the batch'),
    'the refused batch wrote no row'
);

-- owner: the function's upsert is refused before any row, too
insert into written values ('before the upsert', pg_temp.rows_written());
select throws_like(
    $$
        insert into public.analytics_events (event_id, event)
        select gen_random_uuid(), 'upserted_' || n from generate_series(1, 500) as n
        on conflict (user_id, event_id) do nothing
    $$,
    '%rate_limited%',
    'the same batch as an upsert is refused'
);
select is(
    pg_temp.rows_written(),
    (select rows_written from written where label = 'before the upsert'),
    'the refused upsert wrote no row'
);

-- owner: the refusals changed nothing in alice's limiter state
reset role;
select is(
    (select burst_used from private.ingest_limiter_state where user_id = tests.get_user_id('alice')),
    600::double precision,
    'the limiter still holds exactly the burst that was stored'
);

select * from finish();
rollback;
