/**
 * `deno task size`: the dashboard bundle's size, minified and min+gzip; fails over its budget of
 * 64 KB min+gzip, so that a new dependency is a decision, not an accident.
 *
 * @module
 */
export const BUDGET_BYTES = 64 * 1024;

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

for (const name of ["dashboard.js", "dashboard.css", "index.html"]) {
  const bytes = await Deno.readFile(new URL(`dist/${name}`, import.meta.url));
  console.log(`dist/${name}: ${bytes.byteLength} bytes, ${await gzipSize(bytes)} gzipped`);
}
const size = await gzipSize(await Deno.readFile(new URL("dist/dashboard.js", import.meta.url)));
console.log(`dashboard.js budget ${BUDGET_BYTES} bytes min+gzip`);
if (size > BUDGET_BYTES) {
  console.error(`over budget by ${size - BUDGET_BYTES} bytes`);
  Deno.exit(1);
}
