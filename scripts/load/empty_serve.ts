// The cold-start baseline: the smallest Deno.serve program, started exactly as the function is.
// It answers every request at once, so its time to first answer is the runtime's own start-up.
Deno.serve(() => new Response(null, { status: 204 }));
