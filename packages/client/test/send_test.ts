// One request against a real HTTP server: a redirect is never followed, so a captive portal's
// sign-in page can never pass for the function's answer.
import assert from "node:assert/strict";
import { globalPlatform } from "../src/platform.ts";
import { send } from "../src/send.ts";

Deno.test("a 302 to an HTML 200 is answered as the 302, not followed to the page", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    if (new URL(request.url).pathname === "/portal") {
      return new Response("<html>Sign in to the Wi-Fi</html>", {
        headers: { "content-type": "text/html" },
      });
    }
    return new Response(null, { status: 302, headers: { location: "/portal" } });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/functions/v1/track-event`;
    const answer = await send(globalPlatform(), { url, apiKey: "k", token: "t" }, "{}", false);
    assert.equal(answer.status, 302);
    assert.equal(answer.body, null);
  } finally {
    await server.shutdown();
  }
});
