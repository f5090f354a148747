-- Supabase-compatible bootstrap for the local stack.
--
-- Recreates what a hosted Supabase project (or `supabase start`) already provides before any
-- migration runs: the API roles, the `auth` schema with `auth.uid()` and friends, the `extensions`
-- schema, and Supabase's permissive default privileges. It is kept outside supabase/migrations on
-- purpose and must never be run against a real Supabase project.
--
-- Safe to run twice: roles are cluster-wide and survive `scripts/stack reset`.

-- Roles ------------------------------------------------------------------------------------------

do $$
begin
    if not exists (select from pg_roles where rolname = 'anon') then
        create role anon nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticated') then
        create role authenticated nologin noinherit;
    end if;
    if not exists (select from pg_roles where rolname = 'service_role') then
        create role service_role nologin noinherit bypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'authenticator') then
        create role authenticator login noinherit;
    end if;
    -- The local Auth server's login (see the auth schema below), as GoTrue's on Supabase.
    if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
        create role supabase_auth_admin login noinherit;
    end if;
end
$$;

-- PostgREST logs in as authenticator and switches to the role named in the token.
alter role authenticator with login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

-- The statement timeouts Supabase sets, so slow queries fail here as they would when hosted.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- PostgREST's in-database configuration, as Supabase sets it; splinter reads it too.
alter role authenticator set pgrst.db_schemas = 'public';

-- Extensions -------------------------------------------------------------------------------------

create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;

create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgtap with schema extensions;

-- Schema public: Supabase's defaults, the most permissive ones. Migrations must revoke what they
-- do not want, so that they behave the same on old projects (ALL granted) and new ones (nothing).

grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- Schema auth: the subset of GoTrue's schema that application migrations reference -------------

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
    instance_id uuid,
    id uuid primary key,
    aud varchar(255),
    role varchar(255),
    email varchar(255),
    encrypted_password varchar(255),
    email_confirmed_at timestamptz,
    phone text unique default null,
    phone_confirmed_at timestamptz,
    last_sign_in_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    is_sso_user boolean not null default false,
    is_anonymous boolean not null default false,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    deleted_at timestamptz
);

-- Columns of GoTrue's auth.users that the local Auth server (scripts/local/auth) also uses, for
-- clusters bootstrapped before it existed.
alter table auth.users
    add column if not exists email_change varchar(255),
    add column if not exists banned_until timestamptz,
    add column if not exists confirmed_at timestamptz
        generated always as (least(email_confirmed_at, phone_confirmed_at)) stored;

-- One account per email, as GoTrue's users_email_partial_key enforces (SSO users aside).
create unique index if not exists users_email_partial_key
    on auth.users (email)
    where is_sso_user = false;

grant select on auth.users to service_role;

-- A signed-in device: each access token names its session (`session_id`), and a sign-out ends it.
create table if not exists auth.sessions (
    id uuid primary key,
    user_id uuid not null references auth.users (id) on delete cascade,
    created_at timestamptz,
    updated_at timestamptz,
    aal text,
    not_after timestamptz,
    refreshed_at timestamp,
    user_agent text,
    ip inet
);

create index if not exists sessions_user_id_idx on auth.sessions (user_id);

-- Single-use refresh tokens: each refresh revokes the token used and issues its child.
create table if not exists auth.refresh_tokens (
    instance_id uuid,
    id bigserial primary key,
    token varchar(255) unique,
    user_id varchar(255),
    revoked boolean,
    created_at timestamptz,
    updated_at timestamptz,
    parent varchar(255),
    session_id uuid references auth.sessions (id) on delete cascade
);

create index if not exists refresh_tokens_session_id_revoked_idx
    on auth.refresh_tokens (session_id, revoked);

-- The local Auth server's own login, as GoTrue logs in as supabase_auth_admin: it reads and
-- writes the auth tables and nothing in public.
alter role supabase_auth_admin with login noinherit password 'postgres';
alter role supabase_auth_admin set search_path = auth;
grant usage on schema auth to supabase_auth_admin;
grant usage on schema extensions to supabase_auth_admin;
grant select, insert, update, delete on auth.users, auth.sessions, auth.refresh_tokens
    to supabase_auth_admin;
grant usage on sequence auth.refresh_tokens_id_seq to supabase_auth_admin;

-- The claim readers. PostgREST 12 sets only `request.jwt.claims` (the whole JSON); older
-- versions set one `request.jwt.claim.<name>` per claim, so both are read, newest-compatible first
-- in the order GoTrue's own definitions use.

create or replace function auth.uid()
returns uuid
language sql
stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

create or replace function auth.role()
returns text
language sql
stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

create or replace function auth.email()
returns text
language sql
stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

create or replace function auth.jwt()
returns jsonb
language sql
stable
as $$
    select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
    to anon, authenticated, service_role;
