-- Shows how the stage-latency views are executed for user :uid under RLS.
-- psql variables: uid.
begin;

select set_config(
    'request.jwt.claims',
    json_build_object('sub', :'uid', 'role', 'authenticated')::text,
    true
) as claims \gset
set local role authenticated;

explain (analyze, buffers, costs off, timing on)
select * from public.job_stage_latency;

explain (analyze, buffers, costs off, timing on)
select * from public.stage_latency_summary;

rollback;
