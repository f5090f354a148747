/**
 * What the page shows instead of data: loading and the two error states (the sign-in prompt is
 * sign_in_view.ts).
 *
 * @example
 * ```ts
 * root.replaceChildren(errorView("The API answered 500", 5000));
 * ```
 */
import { h } from "./dom.ts";

/** Before the first answer. */
export function loadingView(): HTMLElement {
  return h("p", { id: "loading", class: "status" }, "Loading…");
}

/** The API did not answer, or answered with an error; the page keeps retrying. */
export function errorView(message: string, refreshMs: number): HTMLElement {
  return h(
    "section",
    { id: "error", class: "status", role: "alert" },
    h("h2", {}, message),
    h("p", {}, `Retrying every ${refreshMs / 1000} s.`),
  );
}
