-- A job's id and owner are fixed once it exists, for users. With id writable, an update of a user's
-- own job answered 23505 when the new id belonged to someone else and succeeded when it was unused:
-- an oracle for other users' job ids. The update policy already kept user_id on the caller; the
-- column grants now refuse both columns up front, with the same 42501 whatever the new value.

-- Drops the table-wide update privilege and with it every column's; the grant below adds back the rest.
revoke update on table public.jobs from authenticated;

-- Users may change what describes a job. A column added to jobs later needs its own grant here.
grant update (name, status, created_at, updated_at) on table public.jobs to authenticated;
