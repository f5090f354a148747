import assert from "node:assert/strict";
import { createJsonLogger } from "./log.ts";

Deno.test("each record is one JSON line", () => {
  const lines: string[] = [];
  const logger = createJsonLogger((line) => lines.push(line));
  logger.log({ level: "info", msg: "track-event", status: 201, note: "a\nb" });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes("\n"));
  assert.deepEqual(JSON.parse(lines[0]), {
    level: "info",
    msg: "track-event",
    status: 201,
    note: "a\nb",
  });
});
