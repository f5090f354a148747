-- A user whose ingest budget is spent is refused before a single row is written.
--
-- Until now a statement of n new events was admitted only if all n fit, so the limiter had to see
-- the rows (an AFTER STATEMENT trigger) and a refused batch cost as much WAL and CPU as a stored
-- one. Before a row is written the database knows the user's bucket but not the statement's size,
-- and a refusal rolls back, so it cannot be remembered either. The rule therefore changes to the
-- debt model of Guava's RateLimiter: a statement is admitted when the user's bucket has room for
-- one event, and then charged its whole size, even past the burst; the debt delays the user's
-- next statement. Whether a statement is refused now depends only on state known at its start,
-- so a BEFORE STATEMENT trigger refuses it before a row is read or written.
--
-- Over any t seconds a user stores at most burst + rate * t events, plus one batch (the last one
-- admitted). The long-run rate is unchanged. A statement of more new events than the burst is
-- still refused whole with 413, after its rows are counted: see "Ingest limits" in docs/REFERENCE.md.

-- The defaults (50 events/s, burst 10,000) and the per-user overrides, in one place, for every
-- check. PL/pgSQL, not SQL: it runs on every insert, and PL/pgSQL keeps its plan per session
-- where a SQL function with a SET clause is planned again at every call.
create function private.ingest_limit_for(
    user_id uuid,
    out events_per_second double precision,
    out burst integer
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
    select o.events_per_second, o.burst
    into events_per_second, burst
    from private.ingest_limits as o
    where o.user_id = ingest_limit_for.user_id;
    if not found then
        events_per_second := 50;
        burst := 10000;
    end if;
end;
$$;

-- Called only by the limiter's checks, which run as the owner.
revoke execute on function private.ingest_limit_for(uuid)
    from public, anon, authenticated, service_role;

-- The refusal no longer depends on the statement's size: the wait is the time until the bucket has
-- room for one event again, the same for a single event as under the old rule.
drop function private.raise_rate_limited(integer, double precision, integer, double precision);

-- Refuses the statement with HTTP 429 through PostgREST's custom errors (SQLSTATE PGRST: the
-- message is the body, the detail the status and headers). `details` carries the numbers as a
-- JSON string, so that the function can answer with the same values.
create function private.raise_rate_limited(
    events_per_second double precision,
    burst integer,
    burst_used double precision
)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
    -- The time until one event fits again, at least a millisecond (multiplied before dividing,
    -- so that whole milliseconds stay exact).
    retry_after_ms bigint :=
        greatest(ceil((burst_used + 1 - burst) * 1000 / events_per_second), 1)::bigint;
    retry_after_seconds bigint := ceil(retry_after_ms / 1000.0)::bigint;
    available integer := greatest(floor(burst - burst_used), 0)::integer;
begin
    raise sqlstate 'PGRST'
        using
            message = jsonb_build_object(
                'code', 'rate_limited',
                'message', 'Too many events: this user is over the ingest limit; nothing was stored',
                'details', jsonb_build_object(
                    'retry_after_ms', retry_after_ms,
                    'events_per_second', events_per_second,
                    'burst', burst,
                    'available', available
                )::text,
                'hint', format('Retry after %s s', retry_after_seconds)
            )::text,
            detail = jsonb_build_object(
                'status', 429,
                'status_text', 'Too Many Requests',
                'headers', jsonb_build_object(
                    'Retry-After', retry_after_seconds::text,
                    'RateLimit-Policy', private.ingest_rate_limit_policy(events_per_second, burst),
                    'RateLimit', format('"events";r=%s;t=%s', available, retry_after_seconds)
                )
            )::text;
end;
$$;

-- Called only by the triggers, which run as the owner.
revoke execute on function private.raise_rate_limited(double precision, integer, double precision)
    from public, anon, authenticated, service_role;

-- Refuses the request when the user's bucket is spent (no room for one event), on a plain read:
-- no lock, no write, no transaction id. Concurrent statements only ever add to the state, so a
-- bucket seen spent is spent. For PostgREST's db-pre-request.
create function private.refuse_if_ingest_spent(uid uuid)
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
    -- The transaction's start, as in the triggers: every check of a request sees one instant.
    now_at timestamptz := pg_catalog.now();
    user_limit record := private.ingest_limit_for(uid);
    burst_used_now double precision;
begin
    -- What was in use at measured_at, drained at the user's rate since (none, for a transaction
    -- that started before the last charge). The same expression in every check.
    select greatest(
            s.burst_used
            - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
            0
        )
    into burst_used_now
    from private.ingest_limiter_state as s
    where s.user_id = uid;
    if burst_used_now + 1 > user_limit.burst then
        perform private.raise_rate_limited(user_limit.events_per_second, user_limit.burst, burst_used_now);
    end if;
end;
$$;

-- Called only by the db-pre-request, which runs as the owner.
revoke execute on function private.refuse_if_ingest_spent(uuid) from public, anon, authenticated, service_role;

-- Refuses a signed-in user's statement before its first row when their bucket is spent. It locks
-- the user's limiter row first, so that a concurrent statement of the same user waits here,
-- before writing, and then sees the other's charge. A spent user's statement thus costs one index
-- lookup and a row lock; through PostgREST the db-pre-request refuses it earlier still.
-- Security definer: users cannot touch the state.
create function private.refuse_spent_ingest()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    now_at timestamptz := pg_catalog.now();
    -- Under the insert policy a signed-in user's rows are all their own; other roles are charged,
    -- or trusted, by private.limit_event_ingest() alone.
    uid uuid := case when pg_catalog.current_setting('role') = 'authenticated' then auth.uid() end;
    user_limit record;
    burst_used_now double precision;
begin
    if uid is null then
        return null;
    end if;
    user_limit := private.ingest_limit_for(uid);
    for attempt in 1..2 loop
        select greatest(
                s.burst_used
                - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
                0
            )
        into burst_used_now
        from private.ingest_limiter_state as s
        where s.user_id = uid
        for update;
        exit when found;
        -- The user's first insert: make the row to lock (the FK needs a live user). A concurrent
        -- first insert may make it first; then this waits for it and locks that one.
        insert into private.ingest_limiter_state (user_id, burst_used, measured_at)
        select uid, 0, now_at
        where exists (select from auth.users as u where u.id = uid)
        on conflict (user_id) do nothing;
    end loop;
    if burst_used_now + 1 > user_limit.burst then
        perform private.raise_rate_limited(user_limit.events_per_second, user_limit.burst, burst_used_now);
    end if;
    return null;
end;
$$;

-- Trigger functions run only as triggers; nobody needs to call it.
revoke execute on function private.refuse_spent_ingest() from public, anon, authenticated, service_role;

-- Before any row is read or written: a spent user's statement costs one index lookup.
create trigger refuse_spent_ingest
    before insert on public.analytics_events
    for each statement
    execute function private.refuse_spent_ingest();

-- Charges each user in the statement for the rows it inserted, even past the burst, or refuses
-- the whole statement: with 413 when it alone is larger than the burst, with 429 when the user's
-- bucket was spent at its start (only a role that private.refuse_spent_ingest() does not check
-- gets that far). Security definer: users cannot touch the state, so the owner updates it.
-- The transition table holds only rows actually inserted, so duplicates that an upsert skipped
-- are free, and a statement that failed (a unique violation, a policy) charged nothing.
create or replace function private.limit_event_ingest()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    caller text := pg_catalog.current_setting('role');
    -- The transaction's start: in PostgREST one request, and one instant for every statement of a
    -- transaction, so a test (one transaction) sees time stand still.
    now_at timestamptz := pg_catalog.now();
    trusted boolean;
    charge record;
    user_limit record;
    burst_used_now double precision;
begin
    -- The request's role, not the definer's; 'none' means no SET ROLE: the session's own user.
    -- Signed-in users' role never bypasses RLS, so the common case skips the catalog.
    if caller <> 'authenticated' then
        select r.rolbypassrls or r.rolsuper
        into trusted
        from pg_catalog.pg_roles as r
        where r.rolname = case when caller = 'none' then session_user else caller end;
        if trusted then
            return null;
        end if;
    end if;

    -- One charge per user, in user order, so that two statements charging the same users lock
    -- their rows alike. Under RLS a user's statement holds only their own rows.
    for charge in
        select e.user_id, count(*)::integer as events
        from inserted_events as e
        group by e.user_id
        order by e.user_id
    loop
        user_limit := private.ingest_limit_for(charge.user_id);
        if charge.events > user_limit.burst then
            perform private.raise_batch_exceeds_burst(charge.events, user_limit.events_per_second, user_limit.burst);
        end if;

        -- Charge the whole statement if the bucket had room for one event: what was in use at
        -- measured_at, drained at the user's rate since (as in every check), plus this charge.
        -- The row stays locked until commit (for signed-in users since
        -- private.refuse_spent_ingest()), so concurrent inserts of one user queue and each sees
        -- the other's charge.
        update private.ingest_limiter_state as s
        set
            burst_used = greatest(
                s.burst_used
                - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
                0
            ) + charge.events,
            measured_at = greatest(s.measured_at, now_at)
        where s.user_id = charge.user_id
            and greatest(
                s.burst_used
                - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
                0
            ) + 1 <= user_limit.burst;

        -- No row yet (a role the early check skips), or the bucket is spent. The same charge as an
        -- upsert settles both atomically, also against a concurrent first charge.
        if not found then
            insert into private.ingest_limiter_state as s (user_id, burst_used, measured_at)
            values (charge.user_id, charge.events, now_at)
            on conflict (user_id) do update
                set
                    burst_used = greatest(
                        s.burst_used
                        - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
                        0
                    ) + charge.events,
                    measured_at = greatest(s.measured_at, now_at)
                where greatest(
                        s.burst_used
                        - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
                        0
                    ) + 1 <= user_limit.burst;
        end if;

        if not found then
            select greatest(
                    s.burst_used
                    - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_limit.events_per_second,
                    0
                )
            into burst_used_now
            from private.ingest_limiter_state as s
            where s.user_id = charge.user_id;
            perform private.raise_rate_limited(user_limit.events_per_second, user_limit.burst, burst_used_now);
        end if;
    end loop;
    return null;
end;
$$;
