import assert from "node:assert/strict";
import { loadStackEnv } from "../support/stack_env.ts";
import { subOf } from "../browser/support/wire.ts";

const STACK_SCRIPT = new URL("../../scripts/stack", import.meta.url).pathname;
const ALICE = "11111111-1111-4111-8111-111111111111";
const BOB_JOB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

async function stackToken(user: string) {
  const output = await new Deno.Command("bash", { args: [STACK_SCRIPT, "token", user] }).output();
  return { ok: output.success, stdout: new TextDecoder().decode(output.stdout) };
}

Deno.test("`scripts/stack token alice` prints only a token whose sub is alice's id", async () => {
  const { ok, stdout } = await stackToken("alice");
  assert.ok(ok, "the command succeeds");
  assert.match(
    stdout,
    /^[\w-]+\.[\w-]+\.[\w-]+\n$/,
    "stdout is one JWT and a newline, nothing else",
  );
  assert.equal(subOf(`Bearer ${stdout.trim()}`), ALICE);
});

Deno.test("PostgREST accepts the token as alice: her seeded job, none of bob's", async () => {
  const env = await loadStackEnv();
  const token = (await stackToken("alice")).stdout.trim();
  const response = await fetch(`${env.apiUrl}/rest/v1/jobs?select=id,user_id`, {
    headers: { apikey: env.anonKey, authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  const jobs: { id: string; user_id: string }[] = await response.json();
  assert.ok(jobs.length > 0, "alice's seeded job is visible");
  assert.ok(jobs.every((job) => job.user_id === ALICE), "only alice's jobs");
  assert.ok(!jobs.some((job) => job.id === BOB_JOB), "not bob's job");
});

Deno.test("an unknown user name prints nothing on stdout and fails", async () => {
  const { ok, stdout } = await stackToken("mallory");
  assert.equal(ok, false);
  assert.equal(stdout, "");
});

Deno.test("a well-formed id or an email of no user gets no token", async () => {
  for (const user of [crypto.randomUUID(), `nobody-${crypto.randomUUID()}@example.com`]) {
    const { ok, stdout } = await stackToken(user);
    assert.equal(ok, false, `${user} is refused`);
    assert.equal(stdout, "");
  }
});

Deno.test("the token names a live session: the Auth server's getUser accepts it", async () => {
  const env = await loadStackEnv();
  const token = (await stackToken("alice@example.com")).stdout.trim();
  const response = await fetch(`${env.apiUrl}/auth/v1/user`, {
    headers: { apikey: env.anonKey, authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).id, ALICE);
});
