/**
 * `deno task size`: the dashboard bundle's size, minified and min+gzip; fails over its budget of
 * 72 KB min+gzip, so that a new dependency is a decision, not an accident. It was 64 KB until the
 * page gained password sign-in, paging, ranges and the trend chart: supabase-js alone is ~59 KB.
 *
 * @module
 */
export const BUDGET_BYTES = 72 * 1024;

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

for (const name of ["dashboard.js", "dashboard.css", "index.html"]) {
  const bytes = await Deno.readFile(new URL(`dist/${name}`, import.meta.url));
  console.log(`dist/${name}: ${bytes.byteLength} bytes, ${await gzipSize(bytes)} gzipped`);
}
const size = await gzipSize(await Deno.readFile(new URL("dist/dashboard.js", import.meta.url)));
console.log(`dashboard.js: ${size} bytes min+gzip, budget ${BUDGET_BYTES}`);
if (size > BUDGET_BYTES) {
  console.error(`over budget by ${size - BUDGET_BYTES} bytes`);
  Deno.exit(1);
}
