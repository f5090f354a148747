-- Our own guard for the properties that Supabase's database advisor (splinter) checks. The advisor
-- cannot run in CI here, so each rule is restated as a catalog query over the exposed schema,
-- `public`. Each query returns the offenders' names, so a failing test lists what to fix.
begin;
select plan(11);

-- structure: PostgREST exposes every table in public, so one without RLS is readable by anyone
-- with a grant (advisor 0013 rls_disabled_in_public)
select is(
    array(
        select format('%I.%I', n.nspname, c.relname)
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'public'
            and c.relkind in ('r', 'p')
            and not c.relrowsecurity
        order by 1
    ),
    '{}'::text[],
    'every table in public has row-level security enabled'
);

-- structure: an unindexed foreign key makes every delete or key update on the referenced table,
-- auth.users included, scan the referencing table. Only a valid, non-partial index whose leading
-- key columns are the foreign key's columns, in order, serves that lookup
-- (advisor 0001 unindexed_foreign_keys)
select is(
    array(
        select format('%I.%I %I', n.nspname, c.relname, fk.conname)
        from pg_catalog.pg_constraint as fk
        join pg_catalog.pg_class as c on c.oid = fk.conrelid
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'public'
            and fk.contype = 'f'
            and not exists (
                select 1
                from pg_catalog.pg_index as i
                where i.indrelid = fk.conrelid
                    and i.indisvalid
                    and i.indpred is null
                    and i.indnkeyatts >= cardinality(fk.conkey)
                    and fk.conkey = array(
                        select k.attnum
                        from unnest(i.indkey::smallint[]) with ordinality as k (attnum, position)
                        where k.position <= cardinality(fk.conkey)
                        order by k.position
                    )
            )
        order by 1
    ),
    '{}'::text[],
    'every foreign key from a table in public, including those to auth.users, is covered by an index'
);

-- structure: a bare auth.uid() in a policy runs once per row; wrapped as (select auth.uid()) the
-- planner runs it once per statement as an initplan. A call counts as wrapped only when it opens
-- the select list of a scalar subquery, e.g. `( SELECT auth.uid() AS uid)` or
-- `( SELECT (auth.jwt() ->> 'sub'::text))` (advisor 0003 auth_rls_initplan)
select is(
    array(
        select format('%I.%I %I', p.schemaname, p.tablename, p.policyname)
        from pg_catalog.pg_policies as p
        where p.schemaname = 'public'
            and regexp_replace(
                concat_ws(' ', p.qual, p.with_check),
                '\mselect\s+\(?\s*(auth\.(uid|role|jwt|email)|current_setting)\s*\(',
                'select (',
                'gi'
            ) ~* '(\mauth\.(uid|role|jwt|email)|\mcurrent_setting)\s*\('
        order by 1
    ),
    '{}'::text[],
    'no policy in public calls auth.uid(), auth.role(), auth.jwt(), auth.email() or current_setting() outside a (select ...)'
);

-- structure: permissive policies are OR-ed, so two for one role and command both run on every
-- row, and the looser one silently wins. A policy `to public` applies to every role, and `for all`
-- to every command (advisor 0006 multiple_permissive_policies)
select is(
    array(
        select format(
            'public.%I %s %s: %s',
            p.tablename,
            r.rolname,
            command.name,
            string_agg(p.policyname, ', ' order by p.policyname)
        )
        from pg_catalog.pg_policies as p
        cross join lateral unnest(
            case p.cmd
                when 'ALL' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                else array[p.cmd]
            end
        ) as command (name)
        join pg_catalog.pg_roles as r
            on r.rolname = any(p.roles)
            or 'public' = any(p.roles)
        where p.schemaname = 'public'
            and p.permissive = 'PERMISSIVE'
            and not r.rolbypassrls
            and r.rolname !~ '^pg_'
        group by p.tablename, r.rolname, command.name
        having count(*) > 1
        order by 1
    ),
    '{}'::text[],
    'no table in public has more than one permissive policy for the same role and command'
);

-- structure: a view runs with its owner's rights unless security_invoker is on, which would let
-- any reader bypass the RLS of the tables beneath it (advisor 0010 security_definer_view)
select is(
    array(
        select format('%I.%I', n.nspname, c.relname)
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'public'
            and c.relkind = 'v'
            and not coalesce(
                (
                    select o.option_value::boolean
                    from pg_catalog.pg_options_to_table(c.reloptions) as o
                    where o.option_name = 'security_invoker'
                ),
                false
            )
        order by 1
    ),
    '{}'::text[],
    'every view in public is security_invoker, so the reader''s RLS applies'
);

-- structure: a function without a fixed search_path resolves names through the caller's path,
-- so a caller can shadow the objects it uses. Functions that extensions install are theirs to fix
-- (advisor 0011 function_search_path_mutable). The rollups' range helpers go without one on
-- purpose: security invoker SQL functions that the planner inlines into their callers, which fix
-- the path they are parsed under.
select is(
    array(
        select format('%I.%I(%s)', n.nspname, f.proname, pg_catalog.pg_get_function_identity_arguments(f.oid))
        from pg_catalog.pg_proc as f
        join pg_catalog.pg_namespace as n on n.oid = f.pronamespace
        where n.nspname in ('public', 'private', 'internal', 'tests', 'rollups')
            and not exists (
                select 1
                from pg_catalog.pg_depend as d
                where d.classid = 'pg_catalog.pg_proc'::regclass
                    and d.objid = f.oid
                    and d.deptype = 'e'
            )
            and not exists (
                select 1
                from unnest(f.proconfig) as setting
                where setting like 'search\_path=%'
            )
            -- A procedure that commits cannot have a SET clause; its body qualifies every name.
            and f.oid <> 'private.run_event_partition_maintenance'::regproc
            and f.oid not in (
                'rollups.range_days(timestamptz, timestamptz)'::regprocedure,
                'rollups.range_parts(timestamptz, timestamptz)'::regprocedure,
                'rollups.range_histogram_window(timestamptz, timestamptz)'::regprocedure,
                'rollups.edge_day_runs(timestamptz, timestamptz)'::regprocedure
            )
        order by 1
    ),
    '{}'::text[],
    'every function the project defines in public, private, internal, tests or rollups has a fixed search_path, but the committing maintenance procedure and the inlined range helpers'
);

-- structure: a policy on a table without RLS does nothing, so whoever wrote it believes rows are
-- protected when they are not (advisor 0007 policy_exists_rls_disabled)
select is(
    array(
        select format('%I.%I %I', n.nspname, c.relname, p.polname)
        from pg_catalog.pg_policy as p
        join pg_catalog.pg_class as c on c.oid = p.polrelid
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'public'
            and not c.relrowsecurity
        order by 1
    ),
    '{}'::text[],
    'no policy in public sits on a table whose row-level security is off'
);

-- structure: RLS with no policy denies every row to every API role; no table here is meant to be
-- service-role only, so such a table is a migration that forgot its policies
-- (advisor 0008 rls_enabled_no_policy)
select is(
    array(
        select format('%I.%I', n.nspname, c.relname)
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'public'
            and c.relkind in ('r', 'p')
            and not exists (select 1 from pg_catalog.pg_policy as p where p.polrelid = c.oid)
        order by 1
    ),
    '{}'::text[],
    'every table in public has at least one policy'
);

-- structure: auth.users holds every user's email and metadata, and a view in public would publish
-- it through the API. The walk follows views of views, so a view in another schema cannot hide
-- the dependency (advisor 0002 auth_users_exposed)
select is(
    array(
        with recursive reaches (view_oid, relation_oid) as (
            select v.oid, d.refobjid
            from pg_catalog.pg_class as v
            join pg_catalog.pg_rewrite as rw on rw.ev_class = v.oid
            join pg_catalog.pg_depend as d
                on d.classid = 'pg_catalog.pg_rewrite'::regclass
                and d.objid = rw.oid
                and d.refclassid = 'pg_catalog.pg_class'::regclass
                and d.refobjid <> v.oid
            where v.relnamespace = 'public'::regnamespace
                and v.relkind in ('v', 'm')
            union
            select r.view_oid, d.refobjid
            from reaches as r
            join pg_catalog.pg_class as inner_view
                on inner_view.oid = r.relation_oid
                and inner_view.relkind in ('v', 'm')
            join pg_catalog.pg_rewrite as rw on rw.ev_class = inner_view.oid
            join pg_catalog.pg_depend as d
                on d.classid = 'pg_catalog.pg_rewrite'::regclass
                and d.objid = rw.oid
                and d.refclassid = 'pg_catalog.pg_class'::regclass
                and d.refobjid <> inner_view.oid
        )
        select distinct format('%I.%I', n.nspname, c.relname)
        from reaches as r
        join pg_catalog.pg_class as c on c.oid = r.view_oid
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where r.relation_oid = 'auth.users'::regclass
        order by 1
    ),
    '{}'::text[],
    'no view in public reads auth.users, directly or through another view'
);

-- structure: two indexes with the same method, columns, operator classes, collations, expressions
-- and predicate do the same job, and every write pays for both. Uniqueness is left out on purpose:
-- a plain index beside a unique one on the same columns is just as redundant
-- (advisor 0009 duplicate_index)
select is(
    array(
        select format(
            '%I.%I: %s',
            n.nspname,
            t.relname,
            string_agg(quote_ident(x.relname), ', ' order by x.relname)
        )
        from pg_catalog.pg_index as i
        join pg_catalog.pg_class as x on x.oid = i.indexrelid
        join pg_catalog.pg_class as t on t.oid = i.indrelid
        join pg_catalog.pg_namespace as n on n.oid = t.relnamespace
        where n.nspname = 'public'
        group by
            n.nspname,
            t.relname,
            x.relam,
            i.indnkeyatts,
            i.indkey::text,
            i.indclass::text,
            i.indcollation::text,
            i.indoption::text,
            pg_catalog.pg_get_expr(i.indexprs, i.indrelid),
            pg_catalog.pg_get_expr(i.indpred, i.indrelid)
        having count(*) > 1
        order by 1
    ),
    '{}'::text[],
    'no table in public has two indexes that are the same'
);

-- structure: without a primary key a row has no stable identity, so PostgREST cannot address it
-- for update or delete, and replication cannot apply changes to it (advisor 0004 no_primary_key)
select is(
    array(
        select format('%I.%I', n.nspname, c.relname)
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'public'
            and c.relkind in ('r', 'p')
            and not exists (
                select 1
                from pg_catalog.pg_constraint as k
                where k.conrelid = c.oid
                    and k.contype = 'p'
            )
        order by 1
    ),
    '{}'::text[],
    'every table in public has a primary key'
);

select * from finish();
rollback;
