/**
 * supabase-js from npm (the version pinned in deno.json) for test pages, as an app's bundler
 * would ship it: bundled once per test process with the pinned esbuild, and answered by the
 * browser context at `/test-pages/vendor/supabase-js.js`, so the repository holds no build of it.
 *
 * @example
 * ```ts
 * await serveSupabaseJs(context);
 * // the page: const { createClient } = await import("/test-pages/vendor/supabase-js.js");
 * ```
 */
import * as esbuild from "esbuild";
import type { BrowserContext } from "playwright-core";

const ROOT = new URL("../../../", import.meta.url).pathname;
let bundle: Promise<string> | undefined;

function buildOnce(): Promise<string> {
  bundle ??= (async () => {
    const result = await esbuild.build({
      stdin: { contents: 'export * from "@supabase/supabase-js";', resolveDir: ROOT },
      bundle: true,
      format: "esm",
      target: "es2022",
      write: false,
      logLevel: "warning",
    });
    await esbuild.stop();
    return result.outputFiles[0].text;
  })();
  return bundle;
}

export async function serveSupabaseJs(context: BrowserContext): Promise<void> {
  const body = await buildOnce();
  await context.route(
    "**/test-pages/vendor/supabase-js.js",
    (route) => route.fulfill({ body, contentType: "text/javascript" }),
  );
}
