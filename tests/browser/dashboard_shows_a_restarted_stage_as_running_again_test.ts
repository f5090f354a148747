import assert from "node:assert/strict";
import { browserTest } from "./support/scenario.ts";
import { openDashboard } from "./support/dashboard.ts";
import { completed, sendStageEvents, started } from "./support/stage_events.ts";

browserTest(
  "a stage restarted after completing shows running, attempt 2, and no latency",
  async ({ db, context }) => {
    const user = await db.createUser("ruth");
    const job = await db.createJob(user.id);
    await sendStageEvents(db, user, [
      started(job, "fetch", -60_000),
      completed(job, "fetch", -59_000),
      started(job, "encode", -58_000),
      completed(job, "encode", -55_500),
      started(job, "encode", -20_000),
    ]);

    const page = await openDashboard(context, user.token);
    const encode = page.locator(`article.job[data-job-id="${job}"] li.stage[data-stage="encode"]`);
    assert.equal(await encode.locator(".latency").textContent(), "running");
    assert.equal(await encode.getAttribute("data-status"), "running");
    assert.equal(await encode.getAttribute("data-attempts"), "2");
    assert.equal(
      await encode.getAttribute("data-latency-ms"),
      "",
      "a running stage has no latency",
    );
    assert.match(
      await encode.locator(".detail").textContent() ?? "",
      /^attempt 2, running · started/,
    );
    const fetch = page.locator(`article.job[data-job-id="${job}"] li.stage[data-stage="fetch"]`);
    assert.equal(await fetch.getAttribute("data-status"), "completed", "the other stage is done");
    assert.equal(await fetch.locator(".latency").textContent(), "1 s");
  },
);
