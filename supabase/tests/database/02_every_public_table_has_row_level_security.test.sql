begin;
select plan(14);

-- structure: the guard that catches a table added without RLS
select is_empty(
    $$
        select c.relname
        from pg_catalog.pg_class as c
        where c.relnamespace = 'public'::regnamespace
            and c.relkind in ('r', 'p')
            and not c.relrowsecurity
    $$,
    'every table in public has row-level security enabled'
);

-- structure: exactly the contracted policies
select policies_are(
    'public',
    'jobs',
    array[
        'users can view their own jobs',
        'users can create their own jobs',
        'users can update their own jobs',
        'users can delete their own jobs'
    ],
    'jobs has one policy per command'
);
select policies_are(
    'public',
    'analytics_events',
    array[
        'users can insert events for their own jobs',
        'users can view their own events'
    ],
    'analytics_events has only an insert and a select policy'
);
select policy_cmd_is('public', 'jobs', 'users can view their own jobs', 'select', 'the jobs view policy is for select');
select policy_cmd_is('public', 'jobs', 'users can create their own jobs', 'insert', 'the jobs create policy is for insert');
select policy_cmd_is('public', 'jobs', 'users can update their own jobs', 'update', 'the jobs update policy is for update');
select policy_cmd_is('public', 'jobs', 'users can delete their own jobs', 'delete', 'the jobs delete policy is for delete');
select policy_cmd_is(
    'public', 'analytics_events', 'users can insert events for their own jobs', 'insert',
    'the events insert policy is for insert'
);
select policy_cmd_is(
    'public', 'analytics_events', 'users can view their own events', 'select',
    'the events view policy is for select'
);
select is_empty(
    $$
        select tablename, policyname, roles
        from pg_catalog.pg_policies
        where schemaname = 'public'
            and roles <> array['authenticated']::name[]
    $$,
    'every policy in public applies to authenticated only'
);
select is_empty(
    $$
        select tablename, policyname
        from pg_catalog.pg_policies
        where schemaname = 'public'
            and permissive <> 'PERMISSIVE'
    $$,
    'no policy in public is restrictive, so each command has exactly one rule'
);
select is_empty(
    $$
        select tablename, policyname
        from pg_catalog.pg_policies
        where schemaname = 'public'
            and (
                regexp_replace(coalesce(qual, ''), '\(\s*select auth\.uid\(\) as uid\)', '', 'gi') ~* 'auth\.uid\(\)'
                or regexp_replace(coalesce(with_check, ''), '\(\s*select auth\.uid\(\) as uid\)', '', 'gi') ~* 'auth\.uid\(\)'
            )
    $$,
    'every policy calls auth.uid() once per statement, as (select auth.uid())'
);
select is_empty(
    $$
        select c.relname
        from pg_catalog.pg_class as c
        where c.relnamespace = 'public'::regnamespace
            and c.relkind in ('r', 'p')
            and not exists (select 1 from pg_catalog.pg_policy as p where p.polrelid = c.oid)
    $$,
    'every table in public has at least one policy'
);
select is(
    (
        select count(*)::integer
        from pg_catalog.pg_policies
        where schemaname = 'public'
            and tablename = 'analytics_events'
            and cmd in ('UPDATE', 'DELETE', 'ALL')
    ),
    0,
    'no policy allows updating or deleting events'
);

select * from finish();
rollback;
