/**
 * `deno task size`: fails when a bundle is over its budget minified and gzipped, and prints each
 * measured size either way.
 *
 * - `dist/track-event.js`, the core: 6 KiB (6144 bytes). It was 5 KiB until
 *   acknowledging event by event, owner lookups per `track()`, and fuller reports cost ~900 B.
 * - `dist/track-event-analytics.js`, the core with the analytics layer (super properties,
 *   opt-out, `beforeSend`, context, sessions, debug): 7 KiB (7168 bytes).
 *
 * @module
 */
export const BUDGET_BYTES = 6144;
export const ANALYTICS_BUDGET_BYTES = 7168;

let over = false;
for (
  const [name, budget] of [
    ["track-event.js", BUDGET_BYTES],
    ["track-event-analytics.js", ANALYTICS_BUDGET_BYTES],
  ] as const
) {
  const minified = await Deno.readFile(new URL(`dist/${name}`, import.meta.url));
  const gzipped = await new Response(
    new Blob([minified]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  const size = gzipped.byteLength;
  console.log(
    `dist/${name}: ${minified.byteLength} bytes minified, ${size} bytes min+gzip ` +
      `(budget ${budget})`,
  );
  if (size > budget) {
    console.error(`dist/${name} is over budget by ${size - budget} bytes`);
    over = true;
  }
}
if (over) Deno.exit(1);
