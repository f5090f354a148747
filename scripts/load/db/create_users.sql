-- Creates :users bench users with :jobs_per_user jobs each, named bench-<prefix>-<n>.
-- psql variables: prefix, users, jobs_per_user.
begin;

insert into auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select
    gen_random_uuid(),
    'authenticated',
    'authenticated',
    format('bench-%s-%s@bench.invalid', :'prefix', n),
    '{"provider": "email", "providers": ["email"]}'::jsonb,
    jsonb_build_object('track_event_bench', true, 'bench_prefix', :'prefix', 'bench_n', n),
    now(),
    now()
from generate_series(1, :users) as n;

insert into public.jobs (user_id, name)
select u.id, format('bench job %s', j)
from auth.users as u
cross join generate_series(1, :jobs_per_user) as j
where u.raw_user_meta_data ->> 'bench_prefix' = :'prefix';

commit;
