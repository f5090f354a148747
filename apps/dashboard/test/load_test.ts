import assert from "node:assert/strict";
import { classify } from "../src/load.ts";

const ok = { status: 200, error: null };

Deno.test("what the reads' answers mean: the worst one decides", () => {
  assert.equal(classify([ok, ok, ok, ok]), null);
  assert.deepEqual(classify([ok, { status: 401, error: {} }]), { kind: "signed_out" });
  assert.deepEqual(classify([{ status: 401, error: {} }, { status: 0, error: {} }]), {
    kind: "unreachable",
  });
  assert.deepEqual(classify([ok, { status: 500, error: {} }]), { kind: "failed", status: 500 });
});
