import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const TYPES = `${ROOT}supabase/functions/_shared/database.types.ts`;

// The candidate file goes through a temporary file that bash makes and removes, so the test
// needs no write permission of its own.
const CHECK_STDIN = `
file="$(mktemp --suffix=.ts)"
trap 'rm -f "$file"' EXIT
cat >"$file"
"$1/scripts/gen-types" --check --file "$file"`;

async function genTypesCheck(candidate: string) {
  const child = new Deno.Command("bash", {
    args: ["-c", CHECK_STDIN, "gen-types-check", ROOT],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(candidate));
  await writer.close();
  const run = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { success: run.success, output: decode(run.stdout) + decode(run.stderr) };
}

Deno.test("scripts/gen-types --check fails on types that no longer match the migrations", async () => {
  const committed = await Deno.readTextFile(TYPES);
  // A column the migrations do not have: what the file looks like after someone edits it by hand,
  // or after a migration renames `jobs.name` and nobody regenerates.
  const stale = committed.replace(/^(\s+)name: string;$/m, "$1title: string;");
  assert.notEqual(stale, committed, "the committed types have a jobs.name column to rename");
  // That the committed file passes is scripts/test's own "generated types are current" check.

  const outdated = await genTypesCheck(stale);
  assert.ok(!outdated.success, "a stale file fails the check");
  assert.match(outdated.output, /\.ts is stale: it does not match the migrations/);
  assert.match(outdated.output, /run scripts\/gen-types --file \S+\.ts and commit/);
  assert.match(outdated.output, /^-\s+title: string;$/m, "the diff shows the stale line");
  assert.match(outdated.output, /^\+\s+name: string;$/m, "and the line the migrations give");
});
