// What onError tells: the status and the server's own error code and message, and what close()
// leaves unsent in a memory queue.
import assert from "node:assert/strict";
import { memoryStorage } from "../src/storage_memory.ts";
import { json } from "./fakes.ts";
import { rig } from "./rig.ts";

Deno.test("an unexpected answer is reported with its status and the server's error code and message", async () => {
  const r = rig();
  r.server.faults.push({
    kind: "raw",
    response: () => json(404, { error: { code: "not_found", message: "Function not found" } }),
  });
  const id = r.tracker.track("e");
  await r.clock.runUntil(() => r.server.isStored("alice", id));
  assert.equal(r.log.errors.length, 1);
  const [error] = r.log.errors;
  assert.equal(error.code, "unexpected_response");
  assert.equal(error.status, 404);
  assert.equal(error.serverCode, "not_found");
  assert.equal(error.serverMessage, "Function not found");
  assert.match(error.message, /404/);
});

Deno.test("a drop the server asked for carries its status, code and message", async () => {
  const r = rig();
  r.server.faults.push({
    kind: "status",
    status: 400,
    body: {
      error: {
        code: "validation_failed",
        message: "The request has 1 invalid field",
        issues: [{ index: 0, path: "stage", message: "too long" }],
      },
    },
  });
  const id = r.tracker.track("e");
  await r.tracker.flush();
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.status, e.serverCode, e.eventIds]), [
    ["invalid_event", 400, "validation_failed", [id]],
  ]);
  assert.equal(r.log.errors[0].serverMessage, "The request has 1 invalid field");
});

Deno.test("close() of a memory queue with unsent events reports them instead of losing them silently", async () => {
  const r = rig({}, { storage: memoryStorage() as ReturnType<typeof rig>["storage"] });
  for (let i = 0; i < 5; i++) r.server.faults.push({ kind: "network" });
  const ids = [r.tracker.track("a"), r.tracker.track("b")];
  await r.clock.advance(2000);
  await r.tracker.close();
  assert.deepEqual(r.log.errors.map((e) => [e.code, e.eventIds.sort()]), [
    ["unsent_at_close", [...ids].sort()],
  ]);
});

Deno.test("close() of a memory queue that sent everything reports nothing", async () => {
  const r = rig({}, { storage: memoryStorage() as ReturnType<typeof rig>["storage"] });
  r.tracker.track("a");
  await r.tracker.flush();
  await r.tracker.close();
  assert.deepEqual(r.log.errors, []);
});
