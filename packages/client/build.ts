/**
 * `deno task build`: the minified ESM bundles `dist/track-event.js` (the core, browsers and npm)
 * and `dist/track-event-analytics.js` (the core with the analytics layer), and the type
 * declarations `dist/*.d.ts`, with the pinned esbuild and TypeScript from deno.json.
 *
 * @module
 */
import * as esbuild from "esbuild";
import ts from "typescript";

const root = new URL(".", import.meta.url).pathname;
const dist = `${root}dist`;
await Deno.remove(dist, { recursive: true }).catch(() => {});

// Two self-contained bundles, not shared chunks: a page loads one file whichever it picks.
for (
  const [entry, out] of [["index", "track-event"], ["analytics_entry", "track-event-analytics"]]
) {
  await esbuild.build({
    entryPoints: [`${root}src/${entry}.ts`],
    outfile: `${dist}/${out}.js`,
    bundle: true,
    minify: true,
    format: "esm",
    // Browsers of 2020 on, React Native's Hermes, Node 18: no syntax lowering needed.
    target: "es2020",
    legalComments: "none",
    logLevel: "warning",
  });
}
await esbuild.stop();

const program = ts.createProgram([`${root}src/index.ts`, `${root}src/analytics_entry.ts`], {
  declaration: true,
  emitDeclarationOnly: true,
  outDir: dist,
  rootDir: `${root}src`,
  rewriteRelativeImportExtensions: true,
  allowImportingTsExtensions: true,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2020,
  lib: ["lib.es2020.d.ts", "lib.dom.d.ts"],
  strict: true,
  skipLibCheck: true,
});
const diagnostics = [...ts.getPreEmitDiagnostics(program), ...program.emit().diagnostics];
if (diagnostics.length) {
  console.error(ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  }));
  Deno.exit(1);
}
// Declarations keep the sources' `.ts` specifiers; published, they must name the `.d.ts` files.
for await (const entry of Deno.readDir(dist)) {
  if (!entry.name.endsWith(".d.ts")) continue;
  const path = `${dist}/${entry.name}`;
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.replace(/(from "\.\/[\w]+)\.ts"/g, '$1.js"'));
}
for (const out of ["track-event", "track-event-analytics"]) {
  const bytes = (await Deno.stat(`${dist}/${out}.js`)).size;
  console.log(`built dist/${out}.js (${bytes} bytes minified)`);
}
console.log("built dist/*.d.ts");
