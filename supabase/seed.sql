-- Demo data for local development: two users with one job each, so that a request can show both
-- an accepted event (your own job) and a refused one (the other user's job). Fixed ids let the
-- docs, scripts and tests mint tokens for them (`scripts/stack token alice`); both can also sign
-- in with a password (alice@example.com / alice-password), hashed with pgcrypto's bcrypt as
-- GoTrue stores passwords, so the same rows sign in on the local Auth and on `supabase start`.
-- Safe to run twice.

-- Two demo users. Only columns that both GoTrue's auth.users and the local bootstrap define.
insert into auth.users (
    instance_id,
    id,
    aud,
    role,
    email,
    encrypted_password,
    email_confirmed_at,
    raw_app_meta_data,
    raw_user_meta_data,
    created_at,
    updated_at
)
values
    (
        '00000000-0000-0000-0000-000000000000',
        '11111111-1111-4111-8111-111111111111',
        'authenticated',
        'authenticated',
        'alice@example.com',
        extensions.crypt('alice-password', extensions.gen_salt('bf', 10)),
        now(),
        '{"provider": "email", "providers": ["email"]}',
        '{"name": "Alice"}',
        now(),
        now()
    ),
    (
        '00000000-0000-0000-0000-000000000000',
        '22222222-2222-4222-8222-222222222222',
        'authenticated',
        'authenticated',
        'bob@example.com',
        extensions.crypt('bob-password', extensions.gen_salt('bf', 10)),
        now(),
        '{"provider": "email", "providers": ["email"]}',
        '{"name": "Bob"}',
        now(),
        now()
    )
on conflict do nothing;

-- One job per demo user.
insert into public.jobs (id, user_id, name)
values
    ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '11111111-1111-4111-8111-111111111111', 'alice demo job'),
    ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '22222222-2222-4222-8222-222222222222', 'bob demo job')
on conflict do nothing;
