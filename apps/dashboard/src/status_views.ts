/**
 * What the page shows instead of data: loading, the sign-in prompt, and the two error states.
 *
 * @example
 * ```ts
 * root.replaceChildren(signInView(config.local, (token) => tokens.paste(token), "expired"));
 * ```
 */
import { h } from "./dom.ts";

/** Before the first answer. */
export function loadingView(): HTMLElement {
  return h("p", { id: "loading", class: "status" }, "Loading…");
}

/**
 * The sign-in prompt. Served from this machine it takes a pasted token; elsewhere the host app's
 * own sign-in supplies the session.
 */
export function signInView(
  local: boolean,
  onToken: (token: string) => void,
  reason: "none" | "expired",
): HTMLElement {
  const title = reason === "expired" ? "Your session has expired" : "Sign in to see your jobs";
  const view = h("section", { id: "sign-in", class: "status" }, h("h2", {}, title));
  if (!local) {
    view.append(h("p", {}, "Sign in to the app, then reload this page."));
    return view;
  }
  const input = h("input", {
    id: "token",
    type: "password",
    autocomplete: "off",
    placeholder: "access token",
    "aria-label": "access token",
  }) as HTMLInputElement;
  const form = h(
    "form",
    {},
    h("p", {}, "Paste an access token from ", h("code", {}, "scripts/stack token alice"), "."),
    input,
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) onToken(input.value);
  });
  view.append(form);
  return view;
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
