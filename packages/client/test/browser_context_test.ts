// The page context, on fake browser globals: path, referrer and title without query strings or
// fragments, the locale, the time zone and the screen; nothing outside a browser.
import assert from "node:assert/strict";
import { browserContext } from "../src/browser_context.ts";

const PAGE = {
  document: { referrer: "https://example.com/signin?token=secret#frag", title: "Pricing" },
  location: { pathname: "/pricing", search: "?email=a@b.c", hash: "#top" },
  screen: { width: 1280, height: 800 },
};

function withPage<T>(fn: () => T): T {
  const global = globalThis as Record<string, unknown>;
  const saved = Object.keys(PAGE).map((key) => [key, Object.getOwnPropertyDescriptor(global, key)]);
  for (const [key, value] of Object.entries(PAGE)) {
    Object.defineProperty(global, key, { value, configurable: true, writable: true });
  }
  try {
    return fn();
  } finally {
    for (const [key, descriptor] of saved as [string, PropertyDescriptor | undefined][]) {
      if (descriptor) Object.defineProperty(global, key, descriptor);
      else delete global[key];
    }
  }
}

Deno.test("browserContext() tells the page, locale, time zone and screen, without query strings", () => {
  const context = withPage(browserContext);
  assert.deepEqual(context, {
    page: { path: "/pricing", referrer: "https://example.com/signin", title: "Pricing" },
    locale: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: 1280, height: 800 },
  });
  assert.doesNotMatch(JSON.stringify(context), /secret|a@b\.c|#/);
});

Deno.test("browserContext() is {} outside a browser", () => {
  assert.equal(typeof (globalThis as Record<string, unknown>).document, "undefined");
  assert.deepEqual(browserContext(), {});
});

Deno.test("createAnalytics adds the browser context unless browserContext is false", async () => {
  const { analyticsRig } = await import("./analytics_rig.ts");
  for (const collect of [true, false]) {
    const r = analyticsRig({ browserContext: collect });
    withPage(() => r.analytics.track("e"));
    assert.equal(await r.analytics.flush(), true);
    const context = r.sent()[0].context as Record<string, unknown>;
    assert.equal("page" in context, collect, `browserContext: ${collect}`);
  }
});
