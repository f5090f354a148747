-- The context an SDK collects beside an event's own properties (library, page, locale, session),
-- kept apart so that dashboards can group by it without mixing it into the app's properties.
-- Adding a column with a constant default is a catalog change only, also on a partitioned parent.
alter table public.analytics_events
    add column context jsonb not null default '{}'::jsonb;

-- Context is key/value pairs like properties; a bare array or scalar would break every reader.
alter table public.analytics_events
    add constraint analytics_events_context_is_object check (jsonb_typeof(context) = 'object');

-- One event's context stays within the 8 KiB the API accepts, whatever path wrote it.
alter table public.analytics_events
    add constraint analytics_events_context_size check (octet_length(context::text) <= 8192);

-- Users may send context with their events, as they send properties.
grant insert (context) on table public.analytics_events to authenticated;
