/**
 * `deno task size`: fails when `dist/track-event.js` is over its budget of 6 KiB (6144 bytes)
 * minified and gzipped, and prints the measured size either way. (It was 5 KiB until issue 15:
 * acknowledging event by event, owner lookups per `track()`, and fuller reports cost ~900 B.)
 *
 * @module
 */
export const BUDGET_BYTES = 6144;

const file = new URL("dist/track-event.js", import.meta.url);
const minified = await Deno.readFile(file);
const gzipped = await new Response(
  new Blob([minified]).stream().pipeThrough(new CompressionStream("gzip")),
).arrayBuffer();
const size = gzipped.byteLength;
console.log(
  `dist/track-event.js: ${minified.byteLength} bytes minified, ${size} bytes min+gzip ` +
    `(budget ${BUDGET_BYTES})`,
);
if (size > BUDGET_BYTES) {
  console.error(`over budget by ${size - BUDGET_BYTES} bytes`);
  Deno.exit(1);
}
