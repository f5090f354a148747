/**
 * The dashboard page: reads the config, finds the user's token, and refreshes the view on an
 * interval (Realtime is not part of the local stack). Every read goes through supabase-js with
 * the user's token, so row level security decides what the page shows.
 *
 * `document.body.dataset.refreshes` counts finished refreshes, so tests can wait for "the next
 * one" instead of a guessed delay.
 *
 * @module
 */
import { createClient } from "@supabase/supabase-js";
import type { Database } from "../../../supabase/functions/_shared/database.types.ts";
import { type BuiltConfig, readConfig } from "./config.ts";
import { onViewChange } from "./controls.ts";
import { type DashboardState, loadDashboard } from "./load.ts";
import { renderDashboard } from "./render.ts";
import { errorView, loadingView, signInView } from "./status_views.ts";
import { createTokenSource } from "./token_source.ts";
import { readViewState, urlWithViewState } from "./view_state.ts";

const built: BuiltConfig = await (await fetch(new URL("config.json", import.meta.url))).json();
const config = readConfig(new URL(location.href), built);
const tokens = createTokenSource(config, localStorage, sessionStorage);
const root = document.getElementById("app")!;
const client = createClient<Database>(config.apiUrl, config.anonKey, {
  accessToken: () => Promise.resolve(tokens.current()),
  // The page retries on its own interval; postgrest-js's retries (1 s, 2 s, 4 s) would only
  // delay the error state by 7 s.
  db: { retry: false },
});
let refreshes = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
// The range and page of jobs shown, kept in the URL (view_state.ts).
let view = readViewState(new URL(location.href));
// Counts refreshes started: an answer that a newer refresh (another view) overtook is dropped.
let started = 0;

function show(state: DashboardState | { kind: "no_token" }): void {
  const now = new Date();
  if (state.kind === "ready") {
    renderDashboard(root, state.data, view, now);
  } else if (state.kind === "no_token" || state.kind === "signed_out") {
    root.replaceChildren(
      signInView(config.local, signIn, state.kind === "no_token" ? "none" : "expired"),
    );
  } else if (state.kind === "unreachable") {
    root.replaceChildren(errorView(`Cannot reach the API at ${config.apiUrl}`, config.refreshMs));
  } else {
    root.replaceChildren(errorView(`The API answered ${state.status}`, config.refreshMs));
  }
  document.getElementById("updated")!.textContent = `Updated ${now.toLocaleTimeString()}`;
}

async function refresh(): Promise<void> {
  clearTimeout(timer);
  const mine = ++started;
  const state = tokens.current()
    ? await loadDashboard(client, view)
    : { kind: "no_token" as const };
  if (mine !== started) return;
  show(state);
  document.body.dataset.refreshes = String(++refreshes);
  if (state.kind === "signed_out") tokens.forget();
  // Signed out, nothing changes until the user signs in again.
  if (state.kind !== "signed_out" && state.kind !== "no_token") {
    timer = setTimeout(refresh, config.refreshMs);
  }
}

function signIn(token: string): void {
  if (!tokens.paste(token)) return;
  root.replaceChildren(loadingView());
  void refresh();
}

onViewChange(root, () => view, (next) => {
  view = next;
  history.replaceState(null, "", urlWithViewState(new URL(location.href), view));
  void refresh();
});
root.replaceChildren(loadingView());
void refresh();
