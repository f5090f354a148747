import assert from "node:assert/strict";
import { loadStackEnv } from "../support/stack_env.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DIST = `${ROOT}apps/dashboard/dist`;

/** Runs a shell command (the suite runs without write permission of its own). */
async function sh(script: string, ...args: string[]): Promise<void> {
  const run = await new Deno.Command("bash", { args: ["-c", script, "sh", ...args] }).output();
  assert.ok(run.success, `${script} failed`);
}

async function stackStart(): Promise<string> {
  const run = await new Deno.Command("bash", {
    args: [`${ROOT}scripts/stack`, "start"],
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(run.stdout);
  assert.ok(run.success, `start exits 0:\n${stdout}${new TextDecoder().decode(run.stderr)}`);
  return stdout;
}

Deno.test("`scripts/stack start` builds a missing dashboard, serves it, and prints where", async () => {
  const { apiUrl } = await loadStackEnv();
  await sh('rm -rf "$1"', DIST);
  const gone = await fetch(`${apiUrl}/dashboard/`);
  await gone.body?.cancel();
  assert.equal(gone.status, 404, "without a build there is no dashboard");

  const stdout = await stackStart();
  assert.match(stdout, /dashboard built/);
  assert.ok(stdout.includes(`Dashboard: ${apiUrl}/dashboard/`), "the URL to open is printed");
  assert.ok(stdout.includes(`Auth:      ${apiUrl}/auth/v1`), "so is the local Auth");
  const served = await fetch(`${apiUrl}/dashboard/`);
  assert.equal(served.status, 200);
  assert.match(await served.text(), /<main id="app">/);
  const config = await (await fetch(`${apiUrl}/dashboard/config.json`)).json();
  assert.equal(config.supabaseUrl, "", "the local build signs in on its own origin");

  assert.match(await stackStart(), /dashboard build is current/, "a fresh build is not redone");
});

Deno.test("a source newer than the build makes `scripts/stack start` rebuild it", async () => {
  const source = `${ROOT}apps/dashboard/src/dom.ts`;
  const before = Math.floor((await Deno.stat(source)).mtime!.getTime() / 1000);
  await sh('touch -d "@$2" "$1"', source, String(Math.floor(Date.now() / 1000) + 5));
  try {
    assert.match(await stackStart(), /dashboard built/);
  } finally {
    await sh('touch -d "@$2" "$1"', source, String(before));
  }
});
