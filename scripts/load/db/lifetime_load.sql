-- Loads :events events for the bench users named bench-<prefix>-*, in :chunks chunks of time
-- order over the last :days days, as ingestion writes them: each id a UUIDv7 of its moment (1% of
-- them random v4 ids, as other clients send), a fifth of them naming one of the user's jobs.
-- psql variables: prefix, events, days, chunk (0-based), chunks.
insert into public.analytics_events (user_id, job_id, event_id, event, stage, properties, occurred_at, received_at)
select
    u.user_id,
    case when e.n % 5 = 0 then u.job_ids[1 + (e.n / 5) % cardinality(u.job_ids)] end,
    case
        when e.n % 100 = 0 then gen_random_uuid()
        else (lpad(to_hex(floor(extract(epoch from e.at) * 1000)::bigint), 12, '0') || '7'
            || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid
    end,
    case when e.n % 5 = 0 then (array['stage_started', 'stage_completed'])[1 + e.n % 2] else 'page_view' end,
    case when e.n % 5 = 0 then (array['extract', 'transform', 'load', 'publish'])[1 + (e.n / 10) % 4] end,
    jsonb_build_object('path', '/bench', 'n', e.n),
    e.at,
    e.at
from (
    select
        n,
        now() - make_interval(days => :days)
            + (n::double precision / :events) * make_interval(days => :days) as at
    from generate_series(
        (:events::bigint * :chunk) / :chunks + 1,
        (:events::bigint * (:chunk + 1)) / :chunks
    ) as n
) as e
join (
    select
        row_number() over (order by u.id) - 1 as slot,
        u.id as user_id,
        array(select j.id from public.jobs as j where j.user_id = u.id order by j.id) as job_ids
    from auth.users as u
    where u.raw_user_meta_data ->> 'bench_prefix' = :'prefix'
) as u
    on u.slot = (e.n * 7919) % (select count(*) from auth.users where raw_user_meta_data ->> 'bench_prefix' = :'prefix');
