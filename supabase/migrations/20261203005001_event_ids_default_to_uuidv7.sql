-- Event ids made by the database are UUIDv7 (RFC 9562), as the function and the SDK make them:
-- the first 48 bits are the Unix time in milliseconds, so ids sort by time and the events table
-- can be partitioned by ranges of event_id. PostgreSQL 15 has no uuidv7(), so it is built here
-- from gen_random_uuid(): its 74 random bits and variant stay, the first 48 bits become the
-- clock, and the version nibble becomes 7.

-- A new time-ordered id. Volatile: every call reads the clock and draws new random bits. Set as
-- the column default, it runs with the inserting role's rights, hence the grants below.
create function private.uuid_generate_v7()
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
    select pg_catalog.encode(
        pg_catalog.set_bit(
            pg_catalog.set_bit(
                overlay(
                    pg_catalog.uuid_send(pg_catalog.gen_random_uuid())
                    placing substring(
                        pg_catalog.int8send(floor(extract(epoch from pg_catalog.clock_timestamp()) * 1000)::bigint)
                        from 3
                    )
                    from 1 for 6
                ),
                52, 1
            ),
            53, 1
        ),
        'hex'
    )::uuid
$$;

-- Inserting roles evaluate the column default, so they need to execute it; nobody else does.
revoke execute on function private.uuid_generate_v7() from public, anon, authenticated, service_role;
grant execute on function private.uuid_generate_v7() to authenticated, service_role;

-- The smallest UUIDv7 of a moment's millisecond: the bound of a time range of ids, so that a
-- partition of events is a range of event_id. Immutable: the same moment gives the same bound.
create function private.uuid_v7_lower_bound(moment timestamptz)
returns uuid
language sql
immutable
security invoker
set search_path = ''
as $$
    select (
        pg_catalog.lpad(pg_catalog.to_hex(floor(extract(epoch from moment) * 1000)::bigint), 12, '0')
        || '00000000000000000000'
    )::uuid
$$;

-- Used by the partition maintenance, which runs as the owner.
revoke execute on function private.uuid_v7_lower_bound(timestamptz) from public, anon, authenticated, service_role;

-- Rows written without an id (direct inserts, backend workers) get a time-ordered one too.
alter table public.analytics_events
    alter column event_id set default private.uuid_generate_v7();
