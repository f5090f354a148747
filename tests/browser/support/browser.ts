/**
 * Chromium for the browser tests, driven by playwright-core: Debian's chromium (scripts/test
 * installs it), a fresh profile per launch, and the test page served by the stack's gateway on
 * the API's origin.
 *
 * @example
 * ```ts
 * await withBrowser(async (browser) => {
 *   const context = await newTestContext(browser);
 *   const tracker = driverOf(await openTrackerPage(context));
 *   await tracker.start({ token, apiKey });
 * });
 * ```
 */
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Page,
  type Route,
} from "playwright-core";
import { loadStackEnv } from "../../support/stack_env.ts";

// Quiet, deterministic Chromium: no background traffic, no GPU, no QUIC; --no-sandbox because
// the tests run as root in CI.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-gpu",
  "--disable-quic",
];

/** The path of Debian's chromium, or an error that says how to install it. */
export async function chromiumPath(): Promise<string> {
  const found = await new Deno.Command("bash", { args: ["-c", "command -v chromium"] }).output();
  const path = new TextDecoder().decode(found.stdout).trim();
  if (!found.success || !path) {
    throw new Error(
      "chromium is not installed: scripts/test installs it (apt-get install chromium)",
    );
  }
  return path;
}

/** Runs `fn` with a new Chromium (its own temporary profile) and always closes it. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: await chromiumPath(),
    args: CHROMIUM_ARGS,
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** The URL of a page under tests/browser/pages, as the gateway serves it. */
export async function pageUrl(name: string): Promise<string> {
  return `${(await loadStackEnv()).apiUrl}/test-pages/${name}`;
}

let sdkChecked: Promise<void> | undefined;

// A missing build or a gateway started before the static mounts existed would otherwise show up
// as a driver that never appears.
function checkSdkServed(): Promise<void> {
  sdkChecked ??= (async () => {
    const url = `${(await loadStackEnv()).apiUrl}/sdk/track-event.js`;
    const response = await fetch(url);
    await response.body?.cancel();
    if (response.status !== 200) {
      throw new Error(
        `${url} answered ${response.status}: build the SDK (cd packages/client && deno task build), ` +
          "and restart a gateway started before it served /sdk/ (scripts/stack stop gateway && scripts/stack start)",
      );
    }
  })();
  return sdkChecked;
}

/**
 * A new browser context (its own IndexedDB, locks and localStorage). With TRACK_EVENT_SDK_FILE
 * set, that file is served as /sdk/track-event.js instead of the gateway's build: a way to check
 * that the suite fails against a deliberately broken SDK.
 */
export async function newTestContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  const override = Deno.env.get("TRACK_EVENT_SDK_FILE");
  if (override) {
    await context.route(
      "**/sdk/track-event.js",
      (route) => route.fulfill({ path: override, contentType: "text/javascript" }),
    );
  } else {
    await checkSdkServed();
  }
  return context;
}

/** Loads the tracker test page in a new tab and waits for its driver. */
export async function openTrackerPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await loadTrackerPage(page);
  return page;
}

/** (Re)loads the tracker page in `page` and waits until the SDK module has loaded. */
export async function loadTrackerPage(page: Page): Promise<void> {
  const response = await page.goto(await pageUrl("tracker.html"));
  if (response && !response.ok()) throw new Error(`tracker.html answered ${response.status()}`);
  await page.waitForFunction(() => "trackerDriver" in globalThis, undefined, { timeout: 15_000 });
}

/**
 * Lets pages load while the context is offline: the test page and the SDK are fetched by
 * playwright itself, outside the browser's (emulated) network, so that a page can be reloaded
 * offline. Calls to the API still fail as they would on a plane.
 */
export async function serveAssetsWhileOffline(context: BrowserContext): Promise<void> {
  const fetchOutside = async (route: Route) => {
    await route.fulfill({ response: await route.fetch() });
  };
  await context.route("**/test-pages/**", fetchOutside);
  // An SDK file given in TRACK_EVENT_SDK_FILE is already answered by its own route.
  if (!Deno.env.get("TRACK_EVENT_SDK_FILE")) await context.route("**/sdk/**", fetchOutside);
}
