/**
 * Puts one refresh's data on the page: builds every view afresh, in pipeline order, and merges
 * them into the live DOM (morph.ts), so that unchanged parts, and a selection in them, stay.
 *
 * @example
 * ```ts
 * renderDashboard(root, state.data, view, new Date());
 * ```
 */
import { eventsView } from "./events_view.ts";
import { jobsView } from "./jobs_view.ts";
import type { DashboardData, StageRun } from "./model.ts";
import { morphChildren } from "./morph.ts";
import { inPipelineOrder, jobStagesInOrder, stageNamesInOrder } from "./pipeline_order.ts";
import { rangePicker } from "./controls.ts";
import { summaryChart } from "./summary_chart.ts";
import { trendChart } from "./trend_chart.ts";
import { rangeBounds, RANGES, type ViewState } from "./view_state.ts";

/** The stages of each shown job, in pipeline order. */
export function stagesByJob(stages: readonly StageRun[]): Map<string, StageRun[]> {
  const grouped = Map.groupBy(stages, (run) => run.job_id);
  return new Map([...grouped].map(([job, runs]) => [job, jobStagesInOrder(runs)]));
}

/** Renders `data` into `root`, changing only what differs from what it shows. */
export function renderDashboard(
  root: HTMLElement,
  data: DashboardData,
  view: ViewState,
  now: Date,
): void {
  const byJob = stagesByJob(data.stages);
  const shown = data.jobs.map((job) => byJob.get(job.id) ?? []);
  const rangeLabel = `last ${RANGES[view.range].label}`;
  const { days } = rangeBounds(view.range, now);
  morphChildren(root, [
    rangePicker(view.range),
    jobsView(data, byJob, now),
    summaryChart(inPipelineOrder(data.summary, shown), rangeLabel),
    trendChart(data.trend, stageNamesInOrder(data.trend, shown), days, rangeLabel),
    eventsView(data.events, now),
  ]);
}
