/**
 * Where the stack under test lives. The names are those of `supabase status -o env`, so the same
 * tests run against `scripts/stack`, `supabase start`, or a hosted project:
 *
 * - when API_URL, DB_URL, ANON_KEY, SERVICE_ROLE_KEY and JWT_SECRET are all in the environment,
 *   they are used as they are;
 * - otherwise `scripts/stack status -o env` is asked.
 *
 * @example
 * ```ts
 * const env = await loadStackEnv();
 * await fetch(`${env.apiUrl}/rest/v1/`, { headers: { apikey: env.anonKey } });
 * ```
 */

export interface StackEnv {
  apiUrl: string;
  dbUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
}

export const ENV_NAMES = [
  "API_URL",
  "DB_URL",
  "ANON_KEY",
  "SERVICE_ROLE_KEY",
  "JWT_SECRET",
] as const;

const STACK_SCRIPT = new URL("../../scripts/stack", import.meta.url).pathname;

/** Parses `NAME="value"` lines, as `supabase status -o env` prints them. */
export function parseEnvLines(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = line.match(/^([A-Z_][A-Z0-9_]*)=(?:"(.*)"|(.*))$/);
    if (match) entries[match[1]] = match[2] ?? match[3];
  }
  return entries;
}

/** Runs `scripts/stack status -o env` and returns its stdout, failing loudly when it fails. */
export async function stackStatusEnv(): Promise<string> {
  const output = await new Deno.Command("bash", { args: [STACK_SCRIPT, "status", "-o", "env"] })
    .output();
  const stdout = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `scripts/stack status -o env failed; is the stack running? (scripts/stack start)\n${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return stdout;
}

let cached: Promise<StackEnv> | undefined;

/** The stack's URLs and keys, read once per test process. */
export function loadStackEnv(): Promise<StackEnv> {
  cached ??= (async () => {
    const fromProcess = Object.fromEntries(ENV_NAMES.map((name) => [name, Deno.env.get(name)]));
    const values = ENV_NAMES.every((name) => fromProcess[name])
      ? fromProcess as Record<string, string>
      : parseEnvLines(await stackStatusEnv());
    for (const name of ENV_NAMES) {
      if (!values[name]) throw new Error(`${name} is missing from the stack's environment`);
    }
    return {
      apiUrl: values.API_URL,
      dbUrl: values.DB_URL,
      anonKey: values.ANON_KEY,
      serviceRoleKey: values.SERVICE_ROLE_KEY,
      jwtSecret: values.JWT_SECRET,
    };
  })();
  return cached;
}
