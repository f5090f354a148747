-- Append-only analytics events. Users insert and read their own; trusted workers write for anyone.
create table public.analytics_events (
    id bigint generated always as identity primary key,
    user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
    job_id uuid null,
    event_id uuid not null default gen_random_uuid(),
    event text not null,
    stage text null,
    properties jsonb not null default '{}'::jsonb,
    occurred_at timestamptz not null default now(),
    received_at timestamptz not null default now()
);

-- The idempotency key, scoped per user so that nobody can block or shadow another user's event.
alter table public.analytics_events
    add constraint analytics_events_user_id_event_id_key unique (user_id, event_id);

-- An event can only point at a job owned by the same user, even when the service role writes it.
-- Deleting a job keeps the user's events and only clears their job_id, because events are the
-- user's history and outlive the job; user_id stays, so the row still belongs to its user.
-- MATCH SIMPLE (the default) skips the check when job_id is null.
alter table public.analytics_events
    add constraint analytics_events_job_id_user_id_fkey foreign key (job_id, user_id)
    references public.jobs (id, user_id)
    on delete set null (job_id);

-- Event names show up in dashboards and logs, so they are short and printable.
alter table public.analytics_events
    add constraint analytics_events_event_length check (char_length(event) between 1 and 128);

-- Control characters in a name would corrupt log lines and CSV exports.
alter table public.analytics_events
    add constraint analytics_events_event_no_control_characters check (event !~ '[[:cntrl:]]');

-- Stages group events in the latency views, so they follow the same rules as names.
alter table public.analytics_events
    add constraint analytics_events_stage_length check (stage is null or char_length(stage) between 1 and 64);

-- Control characters in a stage would corrupt log lines and CSV exports.
alter table public.analytics_events
    add constraint analytics_events_stage_no_control_characters check (stage is null or stage !~ '[[:cntrl:]]');

-- Properties are key/value pairs; a bare array or scalar would break every reader.
alter table public.analytics_events
    add constraint analytics_events_properties_is_object check (jsonb_typeof(properties) = 'object');

-- One event's properties stay within the 32 KiB the API accepts, whatever path wrote them.
alter table public.analytics_events
    add constraint analytics_events_properties_size check (octet_length(properties::text) <= 32768);

-- Covers the composite foreign key, so deleting a job finds its events without a scan.
create index analytics_events_job_id_user_id_idx
    on public.analytics_events (job_id, user_id);

-- Serves dashboards' "my latest events" (RLS on user_id, ordered by occurred_at) without a sort;
-- per-user reads by RLS and the views can use it or the unique (user_id, event_id).
create index analytics_events_user_id_occurred_at_idx
    on public.analytics_events (user_id, occurred_at);

-- Users reach events through PostgREST, so row-level security decides which rows they see.
alter table public.analytics_events enable row level security;

-- Start from nothing whatever the platform's default privileges were, then grant what is needed.
revoke all on table public.analytics_events from public, anon, authenticated;

-- The identity sequence gets the platform's default privileges too; setval would be a denial of service.
revoke all on sequence public.analytics_events_id_seq from public, anon, authenticated;

-- Signed-in users read their own events (the policy narrows the rows).
grant select on table public.analytics_events to authenticated;

-- Users may append events but never choose id or received_at, which the server owns.
grant insert (user_id, job_id, event_id, event, stage, properties, occurred_at)
    on table public.analytics_events
    to authenticated;

-- Trusted backend workers write events for any user; the foreign keys still bind them.
grant all on table public.analytics_events to service_role;

-- Trusted backend workers may read or reset the identity sequence.
grant all on sequence public.analytics_events_id_seq to service_role;

-- The authoritative guard: a user writes only as themselves, and only for jobs they own. A job
-- that does not exist and a job owned by someone else fail alike, so no caller learns which it was.
create policy "users can insert events for their own jobs"
    on public.analytics_events
    for insert
    to authenticated
    with check (
        user_id = (select auth.uid())
        and (
            job_id is null
            or exists (
                select 1
                from public.jobs as j
                where j.id = analytics_events.job_id
                    and j.user_id = (select auth.uid())
            )
        )
    );

-- A user reads only their own events, directly or through the security-invoker views.
create policy "users can view their own events"
    on public.analytics_events
    for select
    to authenticated
    using (user_id = (select auth.uid()));
