-- The app's jobs, defined minimally: analytics events may point at a job, and only its owner may
-- do so. Every column but user_id has a default, so an insert of (id, user_id) alone succeeds.
create table public.jobs (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references auth.users (id) on delete cascade,
    name text not null default 'untitled',
    status text not null default 'pending',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- The target of analytics_events' composite foreign key, which ties an event's user to its job's owner.
alter table public.jobs
    add constraint jobs_id_user_id_key unique (id, user_id);

-- Covers the foreign key to auth.users (cascading deletes) and the column every policy filters on.
create index jobs_user_id_idx
    on public.jobs (user_id);

-- Users reach jobs through PostgREST, so row-level security decides which rows they see.
alter table public.jobs enable row level security;

-- Start from nothing whatever the platform's default privileges were, then grant what is needed.
revoke all on table public.jobs from public, anon, authenticated;

-- Signed-in users manage their own jobs; the policies below narrow every command to their rows.
grant select, insert, update, delete on table public.jobs to authenticated;

-- Trusted backend workers manage jobs for any user.
grant all on table public.jobs to service_role;

-- A user sees only their own jobs.
create policy "users can view their own jobs"
    on public.jobs
    for select
    to authenticated
    using (user_id = (select auth.uid()));

-- A user can only create jobs that they own.
create policy "users can create their own jobs"
    on public.jobs
    for insert
    to authenticated
    with check (user_id = (select auth.uid()));

-- A user can change only their own jobs, and cannot hand one over to someone else.
create policy "users can update their own jobs"
    on public.jobs
    for update
    to authenticated
    using (user_id = (select auth.uid()))
    with check (user_id = (select auth.uid()));

-- A user can delete only their own jobs.
create policy "users can delete their own jobs"
    on public.jobs
    for delete
    to authenticated
    using (user_id = (select auth.uid()));
