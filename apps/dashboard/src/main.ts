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
import { eventsView } from "./events_view.ts";
import { type DashboardState, loadDashboard } from "./load.ts";
import { signInView } from "./sign_in_view.ts";
import { errorView, loadingView } from "./status_views.ts";
import { summaryChart } from "./summary_chart.ts";
import { createTokenSource, sessionKeyFor } from "./token_source.ts";
import { waterfallView } from "./waterfall_view.ts";

const built: BuiltConfig = await (await fetch(new URL("config.json", import.meta.url))).json();
const config = readConfig(new URL(location.href), built);
const tokens = createTokenSource(config, localStorage, sessionStorage);
const root = document.getElementById("app")!;
// Email and password sign-in; its session lands where the token source reads it, and
// supabase-js refreshes it before it expires.
const auth = createClient(config.apiUrl, config.anonKey, {
  auth: { storageKey: sessionKeyFor(config) },
}).auth;
const client = createClient<Database>(config.apiUrl, config.anonKey, {
  accessToken: () => Promise.resolve(tokens.current()),
  // The page retries on its own interval; postgrest-js's retries (1 s, 2 s, 4 s) would only
  // delay the error state by 7 s.
  db: { retry: false },
});
let refreshes = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function show(state: DashboardState | { kind: "no_token" }): void {
  const now = new Date();
  if (state.kind === "ready") {
    const { jobs, stages, summary, events } = state.data;
    root.replaceChildren(
      waterfallView(jobs, stages, now),
      summaryChart(summary),
      eventsView(events, now),
    );
  } else if (state.kind === "no_token" || state.kind === "signed_out") {
    root.replaceChildren(signInView({
      local: config.local,
      apiOrigin: new URL(config.apiUrl).origin,
      reason: state.kind === "no_token" ? "none" : "expired",
      onToken: signIn,
      onPassword: signInWithPassword,
    }));
  } else if (state.kind === "unreachable") {
    root.replaceChildren(errorView(`Cannot reach the API at ${config.apiUrl}`, config.refreshMs));
  } else {
    root.replaceChildren(errorView(`The API answered ${state.status}`, config.refreshMs));
  }
  document.getElementById("updated")!.textContent = `Updated ${now.toLocaleTimeString()}`;
}

async function refresh(): Promise<void> {
  clearTimeout(timer);
  await auth.getSession(); // Refreshes a session that is about to expire.
  const state = tokens.current() ? await loadDashboard(client) : { kind: "no_token" as const };
  show(state);
  document.body.dataset.refreshes = String(++refreshes);
  if (state.kind === "signed_out") {
    tokens.forget();
    await auth.signOut({ scope: "local" });
  }
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

async function signInWithPassword(email: string, password: string): Promise<string | null> {
  const { error } = await auth.signInWithPassword({ email, password });
  if (error) return error.message;
  tokens.forget(); // The password session replaces a token pasted earlier.
  root.replaceChildren(loadingView());
  void refresh();
  return null;
}

root.replaceChildren(loadingView());
void refresh();
