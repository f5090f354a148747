-- PostgREST answers `Prefer: count=planned` (and `count=estimated` past db-max-rows) with the
-- planner's row estimate, which comes from table statistics over all users, not from the rows
-- that row-level security lets the caller see. On analytics_events, `?event=eq.<name>` then
-- reveals how often any user sent that event. Nothing in this project needs an estimate, so every
-- request that asks for one is refused, whatever the relation: a table added later is covered too.
-- `count=exact` stays: it counts under row-level security.
--
-- The check runs as PostgREST's db-pre-request, set on the authenticator role, so it holds on a
-- hosted project as well as on the local stack, whatever the gateway passes through.

-- PostgREST's per-request hooks. Not in db-schemas, so nothing here is an API; the API roles may
-- call what PostgREST calls on their behalf.
create schema if not exists pgrst_hooks;

-- Start from nothing whatever the platform's defaults were, then grant what PostgREST needs.
revoke all on schema pgrst_hooks from public;
grant usage on schema pgrst_hooks to anon, authenticated, service_role;

-- Refuses a request whose Prefer header asks for a planned or estimated count, with 400
-- count_not_allowed through PostgREST's custom errors. request.headers holds each header once,
-- lower-cased, with repeated headers joined by commas, so one match covers every form.
create function pgrst_hooks.refuse_statistics_counts()
returns void
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
    prefer text := pg_catalog.current_setting('request.headers', true)::json ->> 'prefer';
begin
    if prefer ~* '(^|[,;[:space:]])count[[:space:]]*=[[:space:]]*"?(planned|estimated)' then
        raise sqlstate 'PGRST'
            using
                message = jsonb_build_object(
                    'code', 'count_not_allowed',
                    'message', 'Planned and estimated counts are not available: they come from statistics over every user''s rows',
                    'details', null,
                    'hint', 'Use Prefer: count=exact, which counts only the rows you can read'
                )::text,
                detail = jsonb_build_object('status', 400, 'status_text', 'Bad Request', 'headers', '{}'::jsonb)::text;
    end if;
end;
$$;

-- Called only by pgrst_hooks.check_request(), as the request's role.
revoke execute on function pgrst_hooks.refuse_statistics_counts() from public, anon, authenticated, service_role;
grant execute on function pgrst_hooks.refuse_statistics_counts() to anon, authenticated, service_role;

-- PostgREST's db-pre-request: every API request runs it, in the request's transaction and role,
-- before the request's own statement. A project with a pre-request of its own calls it from there.
create function pgrst_hooks.check_request()
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
end;
$$;

-- PostgREST calls it as anon, authenticated or service_role.
revoke execute on function pgrst_hooks.check_request() from public, anon, authenticated, service_role;
grant execute on function pgrst_hooks.check_request() to anon, authenticated, service_role;

-- PostgREST reads its in-database configuration from the authenticator role's settings.
alter role authenticator set pgrst.db_pre_request = 'pgrst_hooks.check_request';

-- Applies the setting without a restart, at commit.
notify pgrst, 'reload config';
