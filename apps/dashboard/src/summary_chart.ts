/**
 * p50 and p95 per stage as a plain SVG bar chart. Plain SVG because the chart is two bars per
 * stage: a charting library would add tens of KB to the bundle for nothing the page needs, and
 * SVG text stays readable in tests and to screen readers.
 *
 * @example
 * ```ts
 * root.append(summaryChart(data.summary));
 * ```
 */
import { h, svg } from "./dom.ts";
import { formatMs } from "./format.ts";
import type { DashboardData } from "./load.ts";

const ROW = 44;
const LABEL = 100;
const WIDTH = 440;
const BAR = 14;

/** The chart, or a note when no stage has completed yet. */
export function summaryChart(summary: DashboardData["summary"]): HTMLElement {
  const section = h("section", { id: "summary" }, h("h2", {}, "Stage latency"));
  if (summary.length === 0) {
    section.append(h("p", { class: "empty" }, "No completed stages yet."));
    return section;
  }
  const max = Math.max(...summary.map((s) => s.p95_ms ?? 0), 1);
  const scale = (ms: number | null) => Math.max(((ms ?? 0) / max) * (WIDTH - LABEL - 80), 1);
  const rows = summary.map((s, i) => {
    const y = i * ROW + 8;
    return svg(
      "g",
      { class: "summary-row", "data-stage": s.stage ?? "", "data-p50-ms": s.p50_ms ?? "" },
      svg("text", { x: 0, y: y + 12, class: "label" }, s.stage ?? "—"),
      svg("text", { x: 0, y: y + 28, class: "count" }, `${s.completed_count ?? 0} completed`),
      svg("rect", { x: LABEL, y, width: scale(s.p50_ms), height: BAR, class: "p50" }),
      svg("text", { x: LABEL + scale(s.p50_ms) + 6, y: y + 11 }, `p50 ${formatMs(s.p50_ms)}`),
      svg("rect", { x: LABEL, y: y + BAR + 2, width: scale(s.p95_ms), height: BAR, class: "p95" }),
      svg(
        "text",
        { x: LABEL + scale(s.p95_ms) + 6, y: y + BAR + 13 },
        `p95 ${formatMs(s.p95_ms)}`,
      ),
    );
  });
  section.append(svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${summary.length * ROW + 8}`,
      role: "img",
      "aria-label": "p50 and p95 latency per stage",
    },
    ...rows,
  ));
  return section;
}
