-- Removes everything scripts/bench-db created: its users, their jobs and their events.
-- Bench users are marked in auth.users metadata, so real users are never touched.
begin;

create temporary table bench_users on commit drop as
select u.id
from auth.users as u
where u.raw_user_meta_data ->> 'track_event_bench' = 'true';

delete from public.analytics_events
where user_id in (select id from bench_users);

delete from auth.users
where id in (select id from bench_users);

commit;
