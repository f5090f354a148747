/**
 * The sign-in prompt: email and password, through supabase-js against the project's Auth (the
 * local stack has its own, see the README's "Local Auth"). Served from this machine, it also
 * takes a pasted access token (`scripts/stack token alice`) and says which API it signs in to,
 * since `?api=` may name another one.
 *
 * @example
 * ```ts
 * root.replaceChildren(signInView({ local, apiOrigin, reason: "none", onToken, onPassword }));
 * ```
 */
import { h } from "./dom.ts";

export interface SignInOptions {
  local: boolean;
  /** The API the credentials go to, shown on local pages. */
  apiOrigin: string;
  reason: "none" | "expired";
  onToken: (token: string) => void;
  /** Signs in; resolves to the Auth server's message when it refused, null on success. */
  onPassword: (email: string, password: string) => Promise<string | null>;
}

function passwordForm(onPassword: SignInOptions["onPassword"]): HTMLElement {
  const field = (id: string, type: string, label: string, autocomplete: string) =>
    h("input", {
      id,
      type,
      autocomplete,
      placeholder: label,
      "aria-label": label,
      required: "",
    }) as HTMLInputElement;
  const email = field("email", "email", "email", "username");
  const password = field("password", "password", "password", "current-password");
  const message = h("p", { id: "sign-in-error", role: "alert" });
  const button = h("button", { type: "submit" }, "Sign in") as HTMLButtonElement;
  const form = h("form", { id: "password-sign-in" }, email, password, button, message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.textContent = "";
    const refused = await onPassword(email.value.trim(), password.value);
    button.disabled = false;
    if (refused) message.textContent = refused;
  });
  return form;
}

function tokenForm(onToken: SignInOptions["onToken"]): HTMLElement {
  const input = h("input", {
    id: "token",
    type: "password",
    autocomplete: "off",
    placeholder: "access token",
    "aria-label": "access token",
  }) as HTMLInputElement;
  const form = h(
    "form",
    { id: "token-sign-in" },
    h("p", {}, "Or paste an access token from ", h("code", {}, "scripts/stack token alice"), "."),
    input,
    h("button", { type: "submit" }, "Use token"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) onToken(input.value);
  });
  return form;
}

export function signInView(options: SignInOptions): HTMLElement {
  const title = options.reason === "expired"
    ? "Your session has expired"
    : "Sign in to see your jobs";
  const view = h("section", { id: "sign-in", class: "status" }, h("h2", {}, title));
  if (options.local) view.append(h("p", { id: "sign-in-api" }, `Signs in to ${options.apiOrigin}`));
  view.append(passwordForm(options.onPassword));
  if (options.local) view.append(tokenForm(options.onToken));
  return view;
}
