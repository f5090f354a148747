/**
 * The local Auth server's reads and writes of GoTrue's tables (`auth.users`, `auth.sessions`,
 * `auth.refresh_tokens`), through postgres.js as the `supabase_auth_admin` role. Passwords are
 * hashed and compared inside Postgres with pgcrypto's bcrypt, as GoTrue stores them (`$2a$10$`),
 * so a user made here signs in on a real GoTrue with the same rows.
 *
 * @example
 * ```ts
 * const store = createAuthStore(postgres(url));
 * const user = await store.createUser({ email, password, isAnonymous: false, metadata: {} });
 * const { sessionId, refreshToken } = await store.startSession(user.id);
 * ```
 */
import type postgres from "postgres";
import { AuthError } from "./errors.ts";
import { newRefreshToken } from "./tokens.ts";
import { USER_COLUMNS, type UserRow } from "./user_json.ts";

type Sql = postgres.Sql;
// Queries that run inside or outside a transaction.
type Query = postgres.Sql | postgres.TransactionSql;

/** Within this many seconds a used refresh token still gives the session's current one. */
export const REFRESH_REUSE_SECONDS = 10;

export interface NewUser {
  email: string | null;
  password: string | null;
  isAnonymous: boolean;
  metadata: Record<string, unknown>;
}

export interface UserChanges {
  email?: string;
  password?: string;
  data?: Record<string, unknown>;
}

export interface Refreshed {
  user: UserRow;
  sessionId: string;
  refreshToken: string;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "23505";

export function createAuthStore(sql: Sql) {
  const columns = sql(USER_COLUMNS as unknown as string[]);
  const userById = async (tx: Query, id: string) =>
    (await tx<UserRow[]>`select ${columns} from auth.users where id = ${id}`)[0] ?? null;
  const issueRefreshToken = async (
    tx: Query,
    userId: string,
    sessionId: string,
    parent: string | null,
  ) => {
    const token = newRefreshToken();
    await tx`
      insert into auth.refresh_tokens
          (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
      values
          (${"00000000-0000-0000-0000-000000000000"}, ${token}, ${userId}, false, now(), now(),
           ${parent}, ${sessionId})`;
    return token;
  };

  return {
    findUser: (id: string) => userById(sql, id),

    async createUser(user: NewUser): Promise<UserRow> {
      const provider = user.isAnonymous ? "anonymous" : "email";
      try {
        const [row] = await sql<UserRow[]>`
          insert into auth.users (
              instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
              raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at
          )
          values (
              ${"00000000-0000-0000-0000-000000000000"}, ${crypto.randomUUID()},
              'authenticated', 'authenticated', ${user.email},
              case when ${user.password}::text is null then null
                   else extensions.crypt(${user.password}, extensions.gen_salt('bf', 10)) end,
              case when ${user.email}::text is null then null else now() end,
              ${sql.json({ provider, providers: [provider] })},
              ${sql.json(user.metadata as postgres.JSONValue)}, ${user.isAnonymous}, now(), now()
          )
          returning ${columns}`;
        return row;
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AuthError(422, "user_already_exists", "User already registered");
        }
        throw error;
      }
    },

    /** The user whose email and password these are, or null: the caller cannot tell which failed. */
    async userWithPassword(email: string, password: string): Promise<UserRow | null> {
      const [row] = await sql<UserRow[]>`
        select ${columns} from auth.users
        where email = ${email}
            and encrypted_password is not null
            and encrypted_password = extensions.crypt(${password}, encrypted_password)`;
      return row ?? null;
    },

    async startSession(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
      return await sql.begin(async (tx) => {
        const sessionId = crypto.randomUUID();
        await tx`
          insert into auth.sessions (id, user_id, created_at, updated_at, aal)
          values (${sessionId}, ${userId}, now(), now(), 'aal1')`;
        await tx`update auth.users set last_sign_in_at = now() where id = ${userId}`;
        return { sessionId, refreshToken: await issueRefreshToken(tx, userId, sessionId, null) };
      }) as { sessionId: string; refreshToken: string };
    },

    async sessionExists(sessionId: string): Promise<boolean> {
      return (await sql`select 1 from auth.sessions where id = ${sessionId}`).length > 0;
    },

    /**
     * Spends a refresh token and returns its child. A token spent less than
     * REFRESH_REUSE_SECONDS ago (two tabs refreshing at once) gives the session's current token;
     * an older one is a replay: the whole session is ended.
     */
    async refresh(token: string): Promise<Refreshed> {
      const outcome = await sql.begin(async (tx) => {
        const [used] = await tx<
          { session_id: string; user_id: string; revoked: boolean; recent: boolean }[]
        >`
          select session_id, user_id, revoked,
              updated_at > now() - make_interval(secs => ${REFRESH_REUSE_SECONDS}) as recent
          from auth.refresh_tokens
          where token = ${token}
          for update`;
        if (!used?.session_id) return { error: "not_found" as const };
        const user = await userById(tx, used.user_id);
        if (!user) return { error: "not_found" as const };
        if (used.revoked) {
          const [current] = await tx<{ token: string }[]>`
            select token from auth.refresh_tokens
            where session_id = ${used.session_id} and revoked = false
            order by id desc
            limit 1`;
          if (used.recent && current) {
            return { user, sessionId: used.session_id, refreshToken: current.token };
          }
          await tx`delete from auth.sessions where id = ${used.session_id}`;
          return { error: "reused" as const };
        }
        await tx`
          update auth.refresh_tokens set revoked = true, updated_at = now() where token = ${token}`;
        await tx`update auth.sessions set refreshed_at = now(), updated_at = now()
            where id = ${used.session_id}`;
        const refreshToken = await issueRefreshToken(tx, user.id, used.session_id, token);
        return { user, sessionId: used.session_id, refreshToken };
      });
      // Outside the transaction, so that ending a replayed session is committed.
      if ("error" in outcome) {
        throw outcome.error === "reused"
          ? new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
          : new AuthError(
            400,
            "refresh_token_not_found",
            "Invalid Refresh Token: Refresh Token Not Found",
          );
      }
      return outcome as Refreshed;
    },

    /** Ends sessions: `global` all of the user's, `local` this one, `others` all but this one. */
    async endSessions(userId: string, sessionId: string, scope: "global" | "local" | "others") {
      if (scope === "local") await sql`delete from auth.sessions where id = ${sessionId}`;
      else if (scope === "others") {
        await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
      } else await sql`delete from auth.sessions where user_id = ${userId}`;
    },

    /**
     * Applies `/user` changes. An email makes an anonymous user permanent, with the same id;
     * locally it is confirmed at once (there is no mailer). Metadata keys merge, null removes.
     */
    async updateUser(id: string, changes: UserChanges): Promise<UserRow> {
      try {
        const [row] = await sql<UserRow[]>`
          update auth.users set
              email = coalesce(${changes.email ?? null}, email),
              email_confirmed_at = case when ${changes.email ?? null}::text is null
                  then email_confirmed_at else now() end,
              is_anonymous = is_anonymous and ${changes.email ?? null}::text is null,
              raw_app_meta_data = case when ${changes.email ?? null}::text is null
                  then raw_app_meta_data
                  else coalesce(raw_app_meta_data, '{}') || '{"provider": "email", "providers": ["email"]}'
                  end,
              encrypted_password = case when ${changes.password ?? null}::text is null
                  then encrypted_password
                  else extensions.crypt(${
          changes.password ?? null
        }, extensions.gen_salt('bf', 10)) end,
              raw_user_meta_data = jsonb_strip_nulls(
                  coalesce(raw_user_meta_data, '{}') || ${
          sql.json((changes.data ?? {}) as postgres.JSONValue)
        }
              ),
              updated_at = now()
          where id = ${id}
          returning ${columns}`;
        if (!row) {
          throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
        }
        return row;
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AuthError(
            422,
            "email_exists",
            "A user with this email address has already been registered",
          );
        }
        throw error;
      }
    },

    /** True when `password` is the user's current one (GoTrue refuses to "change" to it). */
    async isCurrentPassword(id: string, password: string): Promise<boolean> {
      const [row] = await sql`
        select 1 from auth.users
        where id = ${id} and encrypted_password = extensions.crypt(${password}, encrypted_password)`;
      return Boolean(row);
    },
  };
}

export type AuthStore = ReturnType<typeof createAuthStore>;
