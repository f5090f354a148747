/**
 * `deno task build`: bundles supabase-js and the page's code into `dist/dashboard.js` (minified
 * ESM, with the pinned esbuild), and copies the page, its stylesheet and a `config.json` there:
 * `dist/` is the whole site, for the local gateway or any static host.
 *
 * config.json names the project: SUPABASE_URL (empty: the page's own origin, as on the local
 * stack) and SUPABASE_ANON_KEY (default: the local stack's key in .stack/keys.env).
 *
 * @module
 */
import * as esbuild from "esbuild";

const root = new URL(".", import.meta.url).pathname;
const dist = `${root}dist`;

async function anonKey(): Promise<string> {
  // ANON_KEY: the name `supabase status -o env` prints.
  const fromEnv = Deno.env.get("SUPABASE_ANON_KEY") ?? Deno.env.get("ANON_KEY");
  if (fromEnv) return fromEnv;
  const keys = await Deno.readTextFile(`${root}../../.stack/keys.env`).catch(() => "");
  const local = keys.match(/^ANON_KEY=(.+)$/m)?.[1];
  if (!local) {
    console.error("set SUPABASE_ANON_KEY, or run scripts/stack start for the local stack's key");
    Deno.exit(1);
  }
  return local;
}

await Deno.remove(dist, { recursive: true }).catch(() => {});
await Deno.mkdir(dist, { recursive: true });
await esbuild.build({
  entryPoints: [`${root}src/main.ts`],
  outfile: `${dist}/dashboard.js`,
  bundle: true,
  minify: true,
  format: "esm",
  // Map.groupBy and top-level await: browsers of 2024 on.
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
});
await esbuild.stop();
for (const file of ["index.html", "dashboard.css"]) {
  await Deno.copyFile(`${root}${file}`, `${dist}/${file}`);
}
const config = { supabaseUrl: Deno.env.get("SUPABASE_URL") ?? "", anonKey: await anonKey() };
await Deno.writeTextFile(`${dist}/config.json`, JSON.stringify(config) + "\n");
const bytes = (await Deno.stat(`${dist}/dashboard.js`)).size;
console.log(`built dist/ (dashboard.js: ${bytes} bytes minified)`);
