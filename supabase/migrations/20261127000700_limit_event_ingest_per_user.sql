-- Per-user ingest limits, enforced by the database in the insert's own statement, so that every
-- path (the function, direct PostgREST inserts, any future one) meets the same guard without an
-- extra round trip.
--
-- The limiter is a token bucket: a user may send `burst` events at once, and what they used
-- drains at `events_per_second`. Each user has one row of state, updated once per statement: how
-- much of the burst was in use at a moment. A statement of n new events is charged n, as a whole,
-- or refused whole when the burst has less than n left. The state counts events, not time (as
-- GCRA's single timestamp would), so a changed limit applies to the very next insert.
--
-- The defaults (50 events/s, burst 10,000) live in private.limit_event_ingest(); per-user
-- overrides in private.ingest_limits. Roles that bypass row-level security (service_role,
-- postgres) are trusted and not limited.

-- Objects that users must never reach. PostgREST exposes only `public`, so nothing here is an API.
create schema if not exists private;

-- Per-user overrides of the default limit, managed by operators (as postgres, e.g. in the SQL editor).
create table private.ingest_limits (
    user_id uuid primary key references auth.users (id) on delete cascade,
    events_per_second double precision not null,
    burst integer not null
);

-- The limiter's state: how many events of the burst were in use at measured_at, per user that has
-- ever been charged. Updated by every insert statement, so pages keep room for HOT updates.
create table private.ingest_limiter_state (
    user_id uuid primary key references auth.users (id) on delete cascade,
    burst_used double precision not null,
    measured_at timestamptz not null
)
with (fillfactor = 50);

-- A rate must be finite (NaN sorts above infinity, so this excludes it too) and at least one
-- event in about 11.6 days: slower rates make waits that overflow the bigint milliseconds of
-- Retry-After. To block a user in effect, set this floor and a burst of 1.
alter table private.ingest_limits
    add constraint ingest_limits_events_per_second_in_range
    check (events_per_second >= 0.000001 and events_per_second < 'infinity'::double precision);

-- A burst of at least one event, so that a single event can always get through eventually.
alter table private.ingest_limits
    add constraint ingest_limits_burst_positive check (burst >= 1);

-- Deny by default: no API role has a policy, so even a stray grant shows no row.
alter table private.ingest_limits enable row level security;

-- Deny by default: no API role has a policy, so even a stray grant shows no row.
alter table private.ingest_limiter_state enable row level security;

-- Nobody but the owner may look inside the schema, whatever the platform's defaults were.
revoke all on schema private from public, anon, authenticated, service_role;

-- Users can neither read nor change their limit.
revoke all on table private.ingest_limits from public, anon, authenticated, service_role;

-- Users can neither read nor reset the limiter's state.
revoke all on table private.ingest_limiter_state from public, anon, authenticated, service_role;

-- The RateLimit-Policy header (IETF httpapi ratelimit-headers draft 11): the quota is the burst,
-- and the window is the time the limiter takes to refill a whole burst.
create function private.ingest_rate_limit_policy(events_per_second double precision, burst integer)
returns text
language sql
immutable
security invoker
set search_path = ''
as $$
    select format('"events";q=%s;w=%s', burst, greatest(ceil(burst / events_per_second), 1)::bigint)
$$;

-- Called only by the refusals below.
revoke execute on function private.ingest_rate_limit_policy(double precision, integer)
    from public, anon, authenticated, service_role;

-- Refuses the statement with HTTP 429 through PostgREST's custom errors (SQLSTATE PGRST: the
-- message is the body, the detail the status and headers). `details` carries the numbers as a
-- JSON string, so that the function can answer with the same values.
create function private.raise_rate_limited(
    events integer,
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
    -- The time it takes to drain enough of the burst for this statement, at least a millisecond
    -- (multiplied before dividing, so that whole milliseconds stay exact).
    retry_after_ms bigint :=
        greatest(ceil((burst_used + events - burst) * 1000 / events_per_second), 1)::bigint;
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

-- Called only by the trigger, which runs as the owner.
revoke execute on function private.raise_rate_limited(integer, double precision, integer, double precision)
    from public, anon, authenticated, service_role;

-- Refuses a statement that holds more events than the user's burst: no wait would ever let it
-- through, so it gets 413 (split the batch) and no Retry-After.
create function private.raise_batch_exceeds_burst(
    events integer,
    events_per_second double precision,
    burst integer
)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
    raise sqlstate 'PGRST'
        using
            message = jsonb_build_object(
                'code', 'batch_exceeds_burst',
                'message', 'This batch has more events than this user''s burst allows at once; split it',
                'details', jsonb_build_object(
                    'events', events,
                    'events_per_second', events_per_second,
                    'burst', burst
                )::text,
                'hint', format('Send at most %s events per request', burst)
            )::text,
            detail = jsonb_build_object(
                'status', 413,
                'status_text', 'Content Too Large',
                'headers', jsonb_build_object(
                    'RateLimit-Policy', private.ingest_rate_limit_policy(events_per_second, burst)
                )
            )::text;
end;
$$;

-- Called only by the trigger, which runs as the owner.
revoke execute on function private.raise_batch_exceeds_burst(integer, double precision, integer)
    from public, anon, authenticated, service_role;

-- Charges each user in the statement for the rows it inserted, or refuses the whole statement.
-- Security definer: users cannot touch the state, so the owner updates it on their behalf.
-- The transition table holds only rows actually inserted, so duplicates that an upsert skipped
-- are free, and a statement that failed (a unique violation, a policy) charged nothing.
create function private.limit_event_ingest()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    -- The defaults for users without a row in private.ingest_limits: the one place they live.
    default_events_per_second constant double precision := 50;
    default_burst constant integer := 10000;
    caller text := pg_catalog.current_setting('role');
    -- The transaction's start: in PostgREST one request, and one instant for every statement of a
    -- transaction, so a test (one transaction) sees time stand still.
    now_at timestamptz := pg_catalog.now();
    trusted boolean;
    charge record;
    user_events_per_second double precision;
    user_burst integer;
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
        select o.events_per_second, o.burst
        into user_events_per_second, user_burst
        from private.ingest_limits as o
        where o.user_id = charge.user_id;
        if not found then
            user_events_per_second := default_events_per_second;
            user_burst := default_burst;
        end if;

        if charge.events > user_burst then
            perform private.raise_batch_exceeds_burst(charge.events, user_events_per_second, user_burst);
        end if;

        -- The common case: drain what was used since measured_at, and add this charge if it
        -- fits. A transaction that started before the last charge (it waited for the row lock)
        -- counts no time as passed. The row stays locked until commit, so concurrent inserts of
        -- one user queue here and each sees the other's charge.
        update private.ingest_limiter_state as s
        set
            burst_used = greatest(
                s.burst_used
                - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_events_per_second,
                0
            ) + charge.events,
            measured_at = greatest(s.measured_at, now_at)
        where s.user_id = charge.user_id
            and greatest(
                s.burst_used
                - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_events_per_second,
                0
            ) + charge.events <= user_burst;

        -- No row yet (the user's first charge), or the charge does not fit. The same charge as an
        -- upsert settles both atomically, also against a concurrent first charge.
        if not found then
            insert into private.ingest_limiter_state as s (user_id, burst_used, measured_at)
            values (charge.user_id, charge.events, now_at)
            on conflict (user_id) do update
                set
                    burst_used = greatest(
                        s.burst_used
                        - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_events_per_second,
                        0
                    ) + charge.events,
                    measured_at = greatest(s.measured_at, now_at)
                where greatest(
                        s.burst_used
                        - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_events_per_second,
                        0
                    ) + charge.events <= user_burst;
        end if;

        if not found then
            select greatest(
                    s.burst_used
                    - greatest(pg_catalog.date_part('epoch', now_at - s.measured_at), 0) * user_events_per_second,
                    0
                )
            into burst_used_now
            from private.ingest_limiter_state as s
            where s.user_id = charge.user_id;
            perform private.raise_rate_limited(charge.events, user_events_per_second, user_burst, burst_used_now);
        end if;
    end loop;
    return null;
end;
$$;

-- Trigger functions run only as triggers; nobody needs to call it.
revoke execute on function private.limit_event_ingest() from public, anon, authenticated, service_role;

-- One charge per insert statement, after its rows passed the policy and the constraints.
create trigger limit_event_ingest
    after insert on public.analytics_events
    referencing new table as inserted_events
    for each statement
    execute function private.limit_event_ingest();
