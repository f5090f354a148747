/**
 * Each job's stages as a waterfall: one bar per stage from its start to its end on the job's own
 * time axis. A stage with no end yet is open: its bar runs to now, hatched, and says so.
 *
 * @example
 * ```ts
 * root.append(waterfallView(data.jobs, data.stages, new Date()));
 * ```
 */
import { h } from "./dom.ts";
import { formatAge, formatClock, formatMs, shortId } from "./format.ts";
import type { DashboardData } from "./load.ts";

type Stage = DashboardData["stages"][number];

const time = (iso: string | null, fallback: number) => (iso ? Date.parse(iso) : fallback);

function stageRow(stage: Stage, from: number, span: number, now: number): HTMLElement {
  const open = stage.completed_at === null;
  const start = time(stage.started_at, time(stage.completed_at, now));
  const end = time(stage.completed_at, now);
  const left = ((start - from) / span) * 100;
  const width = Math.max(((end - start) / span) * 100, 0.5);
  const detail = open
    ? `open · started ${formatAge(new Date(start), new Date(now))}`
    : stage.started_at === null
    ? `ended ${formatClock(stage.completed_at)} · start not seen`
    : `${formatClock(stage.started_at)} → ${formatClock(stage.completed_at)}`;
  return h(
    "li",
    {
      class: open ? "stage open" : "stage",
      "data-stage": stage.stage ?? "",
      "data-latency-ms": stage.latency_ms ?? "",
    },
    h("span", { class: "stage-name" }, stage.stage ?? "—"),
    h(
      "span",
      { class: "track" },
      h("span", { class: "bar", style: `left:${left}%;width:${Math.min(width, 100 - left)}%` }),
    ),
    h("span", { class: "latency" }, open ? "open" : formatMs(stage.latency_ms)),
    h("span", { class: "detail" }, detail),
  );
}

/** The waterfalls of the user's jobs, newest first; jobs without stages say so. */
export function waterfallView(
  jobs: DashboardData["jobs"],
  stages: DashboardData["stages"],
  now: Date,
): HTMLElement {
  const byJob = Map.groupBy(stages, (stage) => stage.job_id ?? "");
  const section = h("section", { id: "jobs" }, h("h2", {}, "Jobs"));
  if (jobs.length === 0) {
    section.append(h("p", { class: "empty" }, "No jobs yet. Events that name a job show up here."));
    return section;
  }
  for (const job of jobs) {
    const rows = (byJob.get(job.id) ?? []).toSorted((a, b) =>
      time(a.started_at, Infinity) - time(b.started_at, Infinity)
    );
    const points = rows.flatMap((
      r,
    ) => [time(r.started_at, NaN), time(r.completed_at, now.getTime())])
      .filter((t) => !Number.isNaN(t));
    const from = Math.min(...points);
    const span = Math.max(Math.max(...points) - from, 1);
    section.append(h(
      "article",
      { class: "job", "data-job-id": job.id },
      h("h3", {}, job.name, " ", h("code", {}, shortId(job.id)), " ", h("small", {}, job.status)),
      rows.length
        ? h(
          "ol",
          { class: "waterfall" },
          ...rows.map((r) => stageRow(r, from, span, now.getTime())),
        )
        : h("p", { class: "empty" }, "No stages yet."),
    ));
  }
  return section;
}
