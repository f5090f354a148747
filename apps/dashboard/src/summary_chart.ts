/**
 * p50 and p95 per stage over the chosen range, as a plain SVG bar chart, in pipeline order. Plain
 * SVG because the chart is two bars per stage: a charting library would add tens of KB to the
 * bundle for nothing the page needs, and SVG text stays readable in tests and to screen readers.
 * Percentiles are over completed runs only; failed runs are counted beside them.
 *
 * @example
 * ```ts
 * summaryChart(data.summary, "last 7 d");
 * ```
 */
import { h, svg } from "./dom.ts";
import { formatMs } from "./format.ts";
import type { StageFigures } from "./model.ts";

const ROW = 44;
const LABEL = 150;
const WIDTH = 440;
const BAR = 14;

function counts(s: StageFigures): string {
  const completed = `${s.completed_count} completed`;
  return s.failed_count ? `${completed} · ${s.failed_count} failed` : completed;
}

/** The chart, or a note when no stage ended in the range. */
export function summaryChart(summary: readonly StageFigures[], rangeLabel: string): HTMLElement {
  const section = h(
    "section",
    { id: "summary" },
    h("h2", {}, "Stage latency ", h("small", {}, rangeLabel)),
  );
  if (summary.length === 0) {
    section.append(h("p", { class: "empty" }, "No stage ended in this range."));
    return section;
  }
  const max = Math.max(...summary.map((s) => s.p95_ms ?? 0), 1);
  const scale = (ms: number | null) => Math.max(((ms ?? 0) / max) * (WIDTH - LABEL - 76), 1);
  const rows = summary.map((s, i) => {
    const y = i * ROW + 8;
    return svg(
      "g",
      {
        class: "summary-row",
        "data-key": s.stage,
        "data-stage": s.stage,
        "data-p50-ms": s.p50_ms ?? "",
        "data-completed": s.completed_count,
        "data-failed": s.failed_count,
      },
      svg("text", { x: 0, y: y + 12, class: "label" }, s.stage),
      svg("text", { x: 0, y: y + 28, class: "count" }, counts(s)),
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
      "aria-label": `p50 and p95 latency per stage, ${rangeLabel}`,
    },
    ...rows,
  ));
  return section;
}
