-- Each user's number of jobs, kept in one row beside the jobs, so that the dashboard's "51–100 of
-- 40,000" reads one row instead of counting 40,000 index entries on every refresh (PostgREST's
-- exact count is O(jobs): 2 ms at 40,000 jobs, 20 ms at 400,000). Statement-level triggers on
-- public.jobs keep it, in the statement that changes the jobs, on every path.

-- Per user with any job ever: how many jobs they have now.
create table rollups.job_counts (
    user_id uuid primary key references auth.users (id) on delete cascade,
    jobs bigint not null
);

-- Users read their count only through public.job_counts.
alter table rollups.job_counts enable row level security;

-- Only the triggers below (running as the owner) write counts; no API role can.
revoke all on table rollups.job_counts from public, anon, authenticated, service_role;

-- Readers of public.job_counts; the policy below narrows signed-in users to their own row.
grant select on table rollups.job_counts to authenticated, service_role;

-- A user reads only their own job count, through public.job_counts.
create policy "users can view their own job count"
    on rollups.job_counts
    for select
    to authenticated
    using (user_id = (select auth.uid()));

-- The caller's number of jobs: one row, or none before their first job.
create view public.job_counts
with (security_invoker = true)
as
select c.user_id, c.jobs
from rollups.job_counts as c;

revoke all on table public.job_counts from public, anon, authenticated, service_role;
grant select on table public.job_counts to authenticated, service_role;

-- New jobs count for their users (users in id order, so no two statements wait on each other in a
-- cycle).
create function rollups.count_inserted_jobs()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    insert into rollups.job_counts as c (user_id, jobs)
    select j.user_id, count(*)
    from new_jobs as j
    group by j.user_id
    order by j.user_id
    on conflict (user_id) do update
        set jobs = c.jobs + excluded.jobs;
    return null;
end;
$$;

-- Jobs moved to another user (only a trusted role can) leave one count for the other. Every update
-- of jobs runs it (a trigger with transition tables takes no column list); one that moves none
-- nets to nothing and writes nothing.
create function rollups.count_moved_jobs()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    insert into rollups.job_counts as c (user_id, jobs)
    select m.user_id, sum(m.jobs)
    from (
        select n.user_id, 1 as jobs from new_jobs as n
        union all
        select o.user_id, -1 from old_jobs as o
    ) as m
    group by m.user_id
    having sum(m.jobs) <> 0
    order by m.user_id
    on conflict (user_id) do update
        set jobs = c.jobs + excluded.jobs;
    return null;
end;
$$;

-- Deleted jobs leave their users' counts. An update, not an upsert: when the jobs go because
-- their user is being deleted, the user's count row goes with the user.
create function rollups.count_deleted_jobs()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    update rollups.job_counts as c
    set jobs = c.jobs - d.jobs
    from (
        select j.user_id, count(*) as jobs
        from old_jobs as j
        group by j.user_id
    ) as d
    where c.user_id = d.user_id;
    return null;
end;
$$;

-- A truncated jobs table has no jobs.
create function rollups.forget_job_counts()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    delete from rollups.job_counts;
    return null;
end;
$$;

-- Only the triggers call them.
revoke execute on function rollups.count_inserted_jobs() from public, anon, authenticated, service_role;
revoke execute on function rollups.count_moved_jobs() from public, anon, authenticated, service_role;
revoke execute on function rollups.count_deleted_jobs() from public, anon, authenticated, service_role;
revoke execute on function rollups.forget_job_counts() from public, anon, authenticated, service_role;

create trigger count_inserted_jobs
    after insert on public.jobs
    referencing new table as new_jobs
    for each statement
    execute function rollups.count_inserted_jobs();

create trigger count_moved_jobs
    after update on public.jobs
    referencing old table as old_jobs new table as new_jobs
    for each statement
    execute function rollups.count_moved_jobs();

create trigger count_deleted_jobs
    after delete on public.jobs
    referencing old table as old_jobs
    for each statement
    execute function rollups.count_deleted_jobs();

create trigger forget_job_counts
    after truncate on public.jobs
    for each statement
    execute function rollups.forget_job_counts();

-- The jobs so far. Creating the triggers locked public.jobs against writes until this migration
-- commits, so no job is counted twice or missed.
insert into rollups.job_counts (user_id, jobs)
select j.user_id, count(*)
from public.jobs as j
group by j.user_id;
