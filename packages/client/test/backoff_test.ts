import assert from "node:assert/strict";
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffDelay } from "../src/backoff.ts";

Deno.test("full jitter: a delay between 0 and a ceiling that doubles per attempt", () => {
  for (let attempt = 0; attempt < 8; attempt++) {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    assert.equal(backoffDelay(attempt, () => 0, 0), 0);
    assert.equal(backoffDelay(attempt, () => 0.999999, 0), Math.floor(0.999999 * ceiling));
  }
});

Deno.test("the ceiling stops at the cap, even after very many failures", () => {
  assert.ok(backoffDelay(1000, () => 0.999999, 0) <= BACKOFF_CAP_MS);
});

Deno.test("a delay is never shorter than what the server asked for", () => {
  assert.equal(backoffDelay(0, () => 0.5, 5000), 5000);
  assert.equal(backoffDelay(10, () => 0.999999, 100), Math.floor(0.999999 * BACKOFF_CAP_MS));
});
