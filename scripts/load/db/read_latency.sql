-- Times :reads reads of each stage-latency view as user :uid, through RLS as PostgREST would
-- run them, and prints one line per view: name, rows returned, p50 ms, p95 ms, max ms.
-- psql variables: uid, reads.
begin;

create temporary table bench_read_samples (view_name text, rows_returned bigint, ms double precision) on commit drop;
grant all on bench_read_samples to authenticated;
select set_config('bench.reads', :'reads', true) as reads \gset

select set_config(
    'request.jwt.claims',
    json_build_object('sub', :'uid', 'role', 'authenticated')::text,
    true
) as claims \gset
set local role authenticated;

do $$
declare
    view_name text;
    started timestamptz;
    returned bigint;
    r record;
begin
    foreach view_name in array array['job_stage_latency', 'stage_latency_summary'] loop
        for i in 1 .. current_setting('bench.reads')::integer loop
            started := clock_timestamp();
            returned := 0;
            for r in execute format('select * from public.%I', view_name) loop
                returned := returned + 1;
            end loop;
            insert into bench_read_samples
            values (view_name, returned, extract(epoch from clock_timestamp() - started) * 1000);
        end loop;
    end loop;
end;
$$;

select
    view_name,
    max(rows_returned) as rows_returned,
    round(percentile_cont(0.5) within group (order by ms)::numeric, 2) as p50_ms,
    round(percentile_cont(0.95) within group (order by ms)::numeric, 2) as p95_ms,
    round(max(ms)::numeric, 2) as max_ms
from bench_read_samples
group by view_name
order by view_name;

rollback;
