/**
 * The jobs section: a pager ("51–100 of 201", previous and next) and the waterfall of each job on
 * the page, newest first. The pager's buttons carry `data-page`; controls.ts handles their clicks.
 *
 * @example
 * ```ts
 * jobsView(data, stagesByJob, new Date());
 * ```
 */
import { h } from "./dom.ts";
import type { DashboardData, StageRun } from "./model.ts";
import { PAGE_SIZE, pageInfo } from "./paging.ts";
import { jobWaterfall } from "./waterfall_view.ts";

function pager(page: number, total: number): HTMLElement {
  const info = pageInfo(page, PAGE_SIZE, total);
  const button = (label: string, target: number, enabled: boolean, rel: string) =>
    h(
      "button",
      { type: "button", "data-page": target, rel, disabled: enabled ? undefined : "" },
      label,
    );
  return h(
    "nav",
    { class: "pager", "aria-label": "pages of jobs" },
    h("span", { class: "page-label", "aria-live": "polite" }, info.label),
    button("‹ Previous", page - 1, info.hasPrevious, "prev"),
    button("Next ›", page + 1, info.hasNext, "next"),
  );
}

/** The section of jobs, or a note when the user has none. */
export function jobsView(
  data: Pick<DashboardData, "page" | "jobs" | "totalJobs">,
  stagesByJob: ReadonlyMap<string, readonly StageRun[]>,
  now: Date,
): HTMLElement {
  const section = h(
    "section",
    { id: "jobs" },
    h("div", { class: "section-head" }, h("h2", {}, "Jobs"), pager(data.page, data.totalJobs)),
  );
  if (data.jobs.length === 0) {
    section.append(h("p", { class: "empty" }, "No jobs yet. Events that name a job show up here."));
    return section;
  }
  for (const job of data.jobs) {
    section.append(jobWaterfall(job, stagesByJob.get(job.id) ?? [], now));
  }
  return section;
}
