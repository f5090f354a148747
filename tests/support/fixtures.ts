/**
 * Test fixtures against a real database: users in `auth.users`, their jobs, and access tokens
 * signed with the project's JWT secret, as GoTrue would issue them.
 *
 * Each test makes its own users with random ids, so tests never share rows and can run against a
 * database that already holds data.
 *
 * @example
 * ```ts
 * const db = await openFixtures();
 * const alice = await db.createUser("alice");
 * const job = await db.createJob(alice.id);
 * await fetch(url, { headers: { authorization: `Bearer ${alice.token}` } });
 * await db.close();
 * ```
 */
import postgres from "postgres";
import { SignJWT } from "jose";
import { loadStackEnv } from "./stack_env.ts";

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** Signs a user access token with the claims GoTrue puts in one. */
export function signUserToken(
  secret: string,
  claims: { sub: string; email?: string; role?: string; expiresInSeconds?: number },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    aud: "authenticated",
    role: claims.role ?? "authenticated",
    email: claims.email,
    session_id: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(secret));
}

export async function openFixtures() {
  const env = await loadStackEnv();
  const sql = postgres(env.dbUrl, { max: 4, onnotice: () => {} });
  return {
    sql,
    env,
    async createUser(name: string): Promise<TestUser> {
      const id = crypto.randomUUID();
      const email = `${name}-${id.slice(0, 8)}@test.local`;
      await sql`
        insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data)
        values (${id}, ${email}, 'authenticated', 'authenticated', '{}', '{}')`;
      return { id, email, token: await signUserToken(env.jwtSecret, { sub: id, email }) };
    },
    async createJob(userId: string): Promise<string> {
      const [row] = await sql`insert into public.jobs (user_id) values (${userId}) returning id`;
      return row.id;
    },
    /** Gives the user their own ingest limit, as an operator does (private.ingest_limits). */
    async setIngestLimit(userId: string, limit: { eventsPerSecond: number; burst: number }) {
      await sql`
        insert into private.ingest_limits (user_id, events_per_second, burst)
        values (${userId}, ${limit.eventsPerSecond}, ${limit.burst})
        on conflict (user_id) do update
          set events_per_second = excluded.events_per_second, burst = excluded.burst`;
    },
    async eventsOf(userId: string) {
      return await sql`
        select event_id, event, job_id, stage, properties, context, occurred_at, received_at
        from public.analytics_events
        where user_id = ${userId}
        order by id`;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}

export type Fixtures = Awaited<ReturnType<typeof openFixtures>>;

/** Runs `fn` with fresh fixtures and always closes their connections. */
export async function withFixtures<T>(fn: (db: Fixtures) => Promise<T>): Promise<T> {
  const db = await openFixtures();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
