-- Serves the dashboard's jobs page (RLS on user_id, ordered by created_at desc, id, one range of
-- 50) and its exact count from the index alone, so a user with 100k jobs pages in O(page).
create index jobs_user_id_created_at_id_idx
    on public.jobs (user_id, created_at desc, id);
