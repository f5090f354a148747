-- The ownership pre-check of the track-event function: which of these jobs can the caller see?
-- As a function it takes the ids in a POST body. The same question as a GET filter
-- (`jobs?id=in.(...)`) puts about 39 bytes per id in the URL, and gateways refuse URLs past
-- about 8 KB, some 200 ids, well under a batch's 500.
create function public.visible_job_ids(job_ids uuid[])
returns table (id uuid)
language sql
stable
security invoker
set search_path = ''
as $$
    select j.id
    from public.jobs j
    where j.id = any (job_ids)
$$;

-- Security invoker: the jobs policies decide, so a caller only ever learns about their own jobs.
-- Supabase's defaults let everyone execute new functions; only signed-in users and workers may.
revoke execute on function public.visible_job_ids(uuid[]) from public, anon, authenticated;
grant execute on function public.visible_job_ids(uuid[]) to authenticated, service_role;
