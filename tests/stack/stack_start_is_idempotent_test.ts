import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const SERVICES = ["postgrest", "functions", "gateway"];

async function recordedPids(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    SERVICES.map(async (
      name,
    ) => [name, (await Deno.readTextFile(`${ROOT}.stack/run/${name}.pid`)).trim()]),
  );
  return Object.fromEntries(entries);
}

Deno.test("a second `scripts/stack start` keeps the running services and reports them healthy", async () => {
  const before = await recordedPids();
  const run = await new Deno.Command("bash", {
    args: [`${ROOT}scripts/stack`, "start"],
    env: { NO_COLOR: "1" },
  }).output();
  const stdout = new TextDecoder().decode(run.stdout);
  assert.ok(run.success, `start exits 0 the second time:\n${stdout}`);
  for (const name of SERVICES) {
    assert.match(stdout, new RegExp(`${name} already running`), `${name} is reused, not restarted`);
  }
  assert.match(stdout, /PostgreSQL already running/);
  assert.deepEqual(await recordedPids(), before, "no service got a new process");
});
