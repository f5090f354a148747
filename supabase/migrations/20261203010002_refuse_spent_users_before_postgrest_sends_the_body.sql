-- A spent user's insert through PostgREST (directly, or from the function) is refused by the
-- db-pre-request, before PostgREST sends the request's statement and its body: Postgres then
-- neither parses the JSON nor plans the insert. The BEFORE STATEMENT trigger refuse_spent_ingest
-- stays the guard of every other path (an RPC, a worker with a user's token, a future route).

-- Refuses a signed-in user's POST to analytics_events while their ingest budget is spent.
-- Security definer: the API roles may neither use the private schema nor read the state.
create function pgrst_hooks.refuse_spent_ingest()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if pg_catalog.current_setting('request.method', true) = 'POST'
        and pg_catalog.current_setting('request.path', true) = '/analytics_events'
        and pg_catalog.current_setting('role') = 'authenticated'
        and auth.uid() is not null
    then
        perform private.refuse_if_ingest_spent(auth.uid());
    end if;
end;
$$;

-- Called by pgrst_hooks.check_request(), which runs as the request's role: hence the grant to the
-- API roles. It reads only the caller's own limiter state, so it reveals nothing of other users.
revoke execute on function pgrst_hooks.refuse_spent_ingest() from public, anon, authenticated, service_role;
grant execute on function pgrst_hooks.refuse_spent_ingest() to anon, authenticated, service_role;

-- PostgREST's db-pre-request, now with the ingest check after the count check.
create or replace function pgrst_hooks.check_request()
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
    -- Every request pays for this: the JSON is parsed only when the words appear at all.
    if pg_catalog.current_setting('request.headers', true) ~* 'planned|estimated' then
        perform pgrst_hooks.refuse_statistics_counts();
    end if;
    perform pgrst_hooks.refuse_spent_ingest();
end;
$$;
