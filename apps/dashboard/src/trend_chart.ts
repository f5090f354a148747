/**
 * Per stage, p50 and p95 per UTC day over the chosen range: one small line chart per stage, each
 * on its own scale (stages differ by orders of magnitude), in plain SVG like the summary chart.
 * A day without completed runs leaves a gap rather than a line drawn through it.
 *
 * @example
 * ```ts
 * trendChart(data.trend, ["fetch", "render"], rangeBounds("7d", now).days, "last 7 d");
 * ```
 */
import { h, svg } from "./dom.ts";
import { formatMs } from "./format.ts";
import type { TrendPoint } from "./model.ts";

const ROW = 56;
const LABEL = 110;
const WIDTH = 440;
const PLOT_TOP = 6;
const PLOT_HEIGHT = 34;
const AXIS = 18;

type Percentile = "p50_ms" | "p95_ms";

/** Polylines through consecutive days that have a value; a missing day breaks the line. */
function lines(
  days: readonly string[],
  byDay: ReadonlyMap<string, TrendPoint>,
  which: Percentile,
  at: (index: number, ms: number) => string,
): SVGElement[] {
  const runs: string[][] = [[]];
  days.forEach((day, index) => {
    const ms = byDay.get(day)?.[which] ?? null;
    if (ms === null) runs.push([]);
    else runs[runs.length - 1].push(at(index, ms));
  });
  return runs.filter((run) => run.length > 1).map((run) =>
    svg("polyline", { class: which === "p50_ms" ? "p50" : "p95", points: run.join(" ") })
  );
}

function stageRow(
  stage: string,
  row: number,
  days: readonly string[],
  byDay: ReadonlyMap<string, TrendPoint>,
): SVGElement {
  const top = row * ROW + PLOT_TOP;
  const max = Math.max(...[...byDay.values()].map((p) => p.p95_ms ?? p.p50_ms ?? 0), 1);
  const plotWidth = WIDTH - LABEL - 8;
  const xOf = (index: number) =>
    LABEL + (days.length === 1 ? plotWidth / 2 : (index / (days.length - 1)) * plotWidth);
  const yOf = (ms: number) => top + (1 - ms / max) * PLOT_HEIGHT;
  const at = (index: number, ms: number) => `${xOf(index).toFixed(1)},${yOf(ms).toFixed(1)}`;
  const dots = days.flatMap((day, index) => {
    const point = byDay.get(day);
    if (!point) return [];
    const title = `${day}: p50 ${formatMs(point.p50_ms)}, p95 ${formatMs(point.p95_ms)}`;
    const dot = (ms: number | null, which: string) =>
      ms === null ? null : svg("circle", {
        class: which,
        cx: xOf(index).toFixed(1),
        cy: yOf(ms).toFixed(1),
        r: 2.5,
      });
    return [svg(
      "g",
      {
        class: "trend-day",
        "data-key": day,
        "data-day": day,
        "data-p50-ms": point.p50_ms ?? "",
        "data-p95-ms": point.p95_ms ?? "",
      },
      svg("title", {}, title),
      dot(point.p95_ms, "p95"),
      dot(point.p50_ms, "p50"),
    )];
  });
  return svg(
    "g",
    { class: "trend-stage", "data-key": stage, "data-stage": stage },
    svg("text", { x: 0, y: top + 12, class: "label" }, stage),
    svg("text", { x: 0, y: top + 28, class: "count" }, `max ${formatMs(max)}`),
    svg("line", {
      class: "axis",
      x1: LABEL,
      x2: WIDTH - 8,
      y1: top + PLOT_HEIGHT,
      y2: top + PLOT_HEIGHT,
    }),
    ...lines(days, byDay, "p95_ms", at),
    ...lines(days, byDay, "p50_ms", at),
    ...dots,
  );
}

/** The trend chart for `stages` (in the order given), or a note when no stage ended in the range. */
export function trendChart(
  trend: readonly TrendPoint[],
  stages: readonly string[],
  days: readonly string[],
  rangeLabel: string,
): HTMLElement {
  const section = h(
    "section",
    { id: "trend" },
    h("h2", {}, "Daily trend ", h("small", {}, `p50 and p95 per UTC day, ${rangeLabel}`)),
  );
  if (trend.length === 0 || days.length === 0) {
    section.append(h("p", { class: "empty" }, "No stage ended in this range."));
    return section;
  }
  const byStage = Map.groupBy(trend, (point) => point.stage);
  const height = stages.length * ROW + AXIS;
  const axisY = height - 4;
  section.append(svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: "img",
      "aria-label": `p50 and p95 latency per stage and day, ${rangeLabel}`,
    },
    ...stages.map((stage, row) =>
      stageRow(stage, row, days, new Map((byStage.get(stage) ?? []).map((p) => [p.day, p])))
    ),
    svg("text", { x: LABEL, y: axisY, class: "day" }, days[0].slice(5)),
    svg(
      "text",
      { x: WIDTH - 8, y: axisY, class: "day", "text-anchor": "end" },
      days.at(-1)!.slice(5),
    ),
  ));
  return section;
}
