/**
 * The page's controls: the range picker (24 h, 7 d, 30 d, 90 d) and the jobs pager's buttons.
 * Their clicks are handled once, on the root, by what they carry (`data-range`, `data-page`):
 * the views are rebuilt on every refresh and merged into the page, so listeners on the buttons
 * themselves would not survive.
 *
 * @example
 * ```ts
 * onViewChange(root, () => view, (next) => { view = next; void refresh(); });
 * ```
 */
import { h } from "./dom.ts";
import { isRange, type RangeKey, RANGES, type ViewState } from "./view_state.ts";

/** The range picker, with the chosen range pressed. */
export function rangePicker(chosen: RangeKey): HTMLElement {
  const buttons = (Object.keys(RANGES) as RangeKey[]).map((range) =>
    h("button", {
      type: "button",
      "data-range": range,
      "aria-pressed": String(range === chosen),
    }, RANGES[range].label)
  );
  return h(
    "div",
    { id: "toolbar", role: "group", "aria-label": "time range of the latency figures" },
    h("span", { class: "toolbar-label" }, "Latency over the last"),
    ...buttons,
  );
}

/** Calls `change` with the next view when a range or page button inside `root` is clicked. */
export function onViewChange(
  root: HTMLElement,
  current: () => ViewState,
  change: (next: ViewState) => void,
): void {
  root.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("button") : null;
    if (!target || target.disabled) return;
    const range = target.getAttribute("data-range");
    const page = Number(target.getAttribute("data-page"));
    if (isRange(range)) {
      // Another range re-reads the figures; the jobs page stays.
      change({ ...current(), range });
    } else if (Number.isSafeInteger(page) && page >= 1) {
      change({ ...current(), page });
    }
  });
}
