/**
 * The latest events: name, stage, job and age, newest first.
 *
 * @example
 * ```ts
 * root.append(eventsView(data.events, new Date()));
 * ```
 */
import { h } from "./dom.ts";
import { formatAge, shortId } from "./format.ts";
import type { LatestEvent } from "./model.ts";

/** A table of the events, or a note when there are none. */
export function eventsView(events: readonly LatestEvent[], now: Date): HTMLElement {
  const section = h("section", { id: "events" }, h("h2", {}, "Latest events"));
  if (events.length === 0) {
    section.append(h("p", { class: "empty" }, "No events yet."));
    return section;
  }
  const head = h("tr", {}, ...["Event", "Stage", "Job", "Age"].map((t) => h("th", {}, t)));
  const rows = events.map((e) =>
    h(
      "tr",
      { "data-job-id": e.job_id ?? "" },
      h("td", {}, e.event),
      h("td", {}, e.stage ?? "—"),
      h("td", {}, h("code", {}, shortId(e.job_id))),
      h("td", {}, formatAge(new Date(e.occurred_at), now)),
    )
  );
  section.append(h("table", {}, h("thead", {}, head), h("tbody", {}, ...rows)));
  return section;
}
