/**
 * The context a browser page can tell about an event: the page, the locale, the time zone and the
 * screen. Query strings and fragments, the page's and the referrer's, are left out: they often
 * carry tokens or emails.
 *
 * @module
 */

/**
 * Collects the page's context now, or `{}` outside a browser.
 *
 * @example
 * ```ts
 * browserContext();
 * // { page: { path: "/pricing", referrer: "", title: "Pricing" }, locale: "fr-FR",
 * //   timezone: "Europe/Paris", screen: { width: 1920, height: 1080 } }
 * ```
 */
export function browserContext(): Record<string, unknown> {
  if (typeof document !== "object" || typeof location !== "object") return {};
  const context: Record<string, unknown> = {
    page: {
      path: location.pathname,
      referrer: document.referrer.split(/[?#]/)[0],
      title: document.title,
    },
    locale: navigator.language,
  };
  try {
    context.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    // An engine without Intl time zones: leave it out.
  }
  if (typeof screen === "object") context.screen = { width: screen.width, height: screen.height };
  return context;
}
