import assert from "node:assert/strict";
import postgres from "postgres";
import { ENV_NAMES, parseEnvLines, stackStatusEnv } from "../support/stack_env.ts";

Deno.test("status -o env prints the five names of `supabase status -o env`, each with a value", async () => {
  const env = parseEnvLines(await stackStatusEnv());
  for (const name of ENV_NAMES) {
    assert.ok(env[name], `${name} is printed with a value`);
  }
  assert.match(env.API_URL, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(env.DB_URL, /^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
});

Deno.test("the printed DB_URL reaches the database the stack migrated", async () => {
  const env = parseEnvLines(await stackStatusEnv());
  const sql = postgres(env.DB_URL, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select to_regclass('public.analytics_events') as events_table`;
    assert.equal(row.events_table, "analytics_events");
  } finally {
    await sql.end();
  }
});

Deno.test("the printed keys carry the anon and service_role claims of Supabase's local keys", async () => {
  const env = parseEnvLines(await stackStatusEnv());
  const claims = (token: string) => JSON.parse(atob(token.split(".")[1]));
  assert.deepEqual(claims(env.ANON_KEY), { iss: "supabase-demo", role: "anon", exp: 1983812996 });
  assert.deepEqual(claims(env.SERVICE_ROLE_KEY), {
    iss: "supabase-demo",
    role: "service_role",
    exp: 1983812996,
  });
});
