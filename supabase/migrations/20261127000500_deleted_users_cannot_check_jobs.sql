-- A valid token can outlive its user (deleted, and with it the user's jobs). The ownership
-- pre-check then found none of the named jobs and the function answered 403 job_not_owned; the
-- truth is that the token no longer stands for anyone, a 401. The pre-check now says so, at no
-- cost to the usual path: the extra look-up runs only when some named job is not visible.

-- Helpers that API functions run as the caller: signed-in users may use the schema to execute
-- them, and hold nothing else in it. PostgREST does not expose it, so none of it is an endpoint.
create schema if not exists internal;

revoke all on schema internal from public, anon, authenticated, service_role;
grant usage on schema internal to authenticated;

-- Whether the caller's own user still exists. Security definer because users cannot read
-- auth.users; it takes no argument, so it can tell nobody anything about another user.
create function internal.caller_exists()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (select 1 from auth.users u where u.id = (select auth.uid()))
$$;

revoke execute on function internal.caller_exists() from public, anon, authenticated;
grant execute on function internal.caller_exists() to authenticated;

-- Same contract as before (the jobs policies decide, absent means not yours or not there), plus
-- SQLSTATE PT401, which PostgREST answers with HTTP 401, when the caller's user is gone.
create or replace function public.visible_job_ids(job_ids uuid[])
returns table (id uuid)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
    visible integer;
begin
    return query
        select j.id
        from public.jobs j
        where j.id = any (job_ids);
    get diagnostics visible = row_count;
    -- Nested, not one condition: SQL does not promise to evaluate `and` left to right, and the
    -- service role (whether or not its token has a sub) neither needs nor may run the helper.
    if visible < cardinality(job_ids) and current_user = 'authenticated' then
        if not internal.caller_exists() then
            raise sqlstate 'PT401' using message = 'The user of this access token no longer exists';
        end if;
    end if;
end;
$$;

revoke execute on function public.visible_job_ids(uuid[]) from public, anon, authenticated;
grant execute on function public.visible_job_ids(uuid[]) to authenticated, service_role;
