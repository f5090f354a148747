// Wraps fetch before the SDK loads, for two reasons:
//
// - It records every call to the track-event function in localStorage, synchronously and before
//   the request leaves, so that a test can read it from the next page after the sender unloaded.
// - While the browser is offline it fails the call, as a real offline device does. Chromium's
//   offline emulation (and request interception) does not reach keepalive requests that outlive
//   their page, so without this a page reloaded "offline" would still deliver its last sends.
(() => {
  const KEY = "trackEventFetchLog";
  const realFetch = globalThis.fetch.bind(globalThis);
  // Who the request speaks for: the `sub` of its bearer token (read, not verified).
  const subOf = (headers) => {
    const authorization = new Headers(headers).get("authorization") ?? "";
    try {
      const payload = authorization.split(" ")[1].split(".")[1];
      return JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))).sub ?? null;
    } catch {
      return null;
    }
  };
  // The event ids of a plain JSON body; a gzip body (never used for keepalive) gives none.
  const eventIdsOf = (body) => {
    if (typeof body !== "string") return null;
    try {
      const parsed = JSON.parse(body);
      return (Array.isArray(parsed.events) ? parsed.events : [parsed]).map((e) => e.event_id);
    } catch {
      return null;
    }
  };
  globalThis.fetch = (input, init = {}) => {
    const url = typeof input === "string" ? input : input.url ?? String(input);
    if (!url.includes("/functions/v1/track-event")) return realFetch(input, init);
    const log = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    log.push({
      url,
      method: init.method ?? "GET",
      keepalive: init.keepalive === true,
      visibility: document.visibilityState,
      online: navigator.onLine,
      sub: subOf(init.headers),
      eventIds: eventIdsOf(init.body),
    });
    localStorage.setItem(KEY, JSON.stringify(log));
    if (!navigator.onLine) return Promise.reject(new TypeError("Failed to fetch: offline"));
    return realFetch(input, init);
  };
})();
