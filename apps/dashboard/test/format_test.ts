import assert from "node:assert/strict";
import { formatAge, formatClock, formatMs, shortId } from "../src/format.ts";

Deno.test("latencies read as ms below a second, then seconds to three digits", () => {
  assert.equal(formatMs(null), "—");
  assert.equal(formatMs(12.4), "12 ms");
  assert.equal(formatMs(4321), "4.32 s");
  assert.equal(formatMs(1200), "1.2 s", "no trailing zeros");
  assert.equal(formatMs(2000), "2 s");
  assert.equal(formatMs(12500), "12.5 s");
});

Deno.test("ages read coarsely, and never negative for a clock ahead of ours", () => {
  const now = new Date("2026-01-02T00:00:00Z");
  const ago = (seconds: number) => formatAge(new Date(now.getTime() - seconds * 1000), now);
  assert.equal(ago(-5), "0 s ago");
  assert.equal(ago(59), "59 s ago");
  assert.equal(ago(65), "1 min ago");
  assert.equal(ago(7200), "2 h ago");
  assert.equal(ago(86400 * 3), "3 d ago");
  assert.equal(formatClock("2026-01-02T14:03:07.120Z"), "14:03:07");
  assert.equal(shortId("1bb9fb89-0000"), "1bb9fb89");
});
