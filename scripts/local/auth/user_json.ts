/**
 * The user object GoTrue returns (from `/user`, `/signup` and inside sessions), made from an
 * `auth.users` row. The password hash never leaves the database.
 *
 * @example
 * ```ts
 * return authJson(200, userJson(row));
 * ```
 */

/** The auth.users columns the local Auth server reads. */
export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  email_confirmed_at: Date | null;
  phone_confirmed_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  is_anonymous: boolean;
  banned_until: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
}

/** The columns to select for a UserRow, as one SQL fragment's text. */
export const USER_COLUMNS = [
  "id",
  "aud",
  "role",
  "email",
  "phone",
  "email_confirmed_at",
  "phone_confirmed_at",
  "confirmed_at",
  "last_sign_in_at",
  "raw_app_meta_data",
  "raw_user_meta_data",
  "is_anonymous",
  "banned_until",
  "created_at",
  "updated_at",
] as const;

const iso = (date: Date | null) => date?.toISOString();

export function userJson(user: UserRow): Record<string, unknown> {
  // GoTrue omits empty optional timestamps (omitempty) and always sends the rest.
  const optional = {
    email_confirmed_at: iso(user.email_confirmed_at),
    phone_confirmed_at: iso(user.phone_confirmed_at),
    confirmed_at: iso(user.confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
  };
  return {
    id: user.id,
    aud: user.aud ?? "",
    role: user.role ?? "",
    email: user.email ?? "",
    phone: user.phone ?? "",
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    // The local server keeps no auth.identities rows (see the README's "Local Auth").
    identities: [],
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    is_anonymous: user.is_anonymous,
  };
}
