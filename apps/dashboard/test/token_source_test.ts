import assert from "node:assert/strict";
import { readConfig } from "../src/config.ts";
import { createTokenSource, PASTED_TOKEN_KEY, sessionKeyOf } from "../src/token_source.ts";

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

const built = { supabaseUrl: "https://abcd.supabase.co", anonKey: "anon" };

Deno.test("a local page keeps a pasted token for the tab, and forgets it", () => {
  const session = memoryStorage();
  const tokens = createTokenSource(
    readConfig(new URL("http://127.0.0.1:54321/dashboard/"), built),
    memoryStorage(),
    session,
  );
  assert.equal(tokens.current(), null);
  assert.equal(tokens.paste(" a.b.c\n"), true);
  assert.equal(tokens.current(), "a.b.c");
  tokens.forget();
  assert.equal(session.getItem(PASTED_TOKEN_KEY), null);
});

Deno.test("off localhost a pasted token is refused, and one stored earlier is not used", () => {
  const session = memoryStorage();
  session.setItem(PASTED_TOKEN_KEY, "planted.token.x");
  const tokens = createTokenSource(
    readConfig(new URL("https://dash.example.com/"), built),
    memoryStorage(),
    session,
  );
  assert.equal(tokens.paste("a.b.c"), false);
  assert.equal(tokens.current(), null);
  assert.equal(session.getItem(PASTED_TOKEN_KEY), "planted.token.x");
});

Deno.test("off localhost the host app's Supabase session supplies the token", () => {
  const persistent = memoryStorage();
  assert.equal(sessionKeyOf(built.supabaseUrl), "sb-abcd-auth-token");
  persistent.setItem("sb-abcd-auth-token", JSON.stringify({ access_token: "h.o.st" }));
  const config = readConfig(new URL("https://dash.example.com/"), built);
  assert.equal(createTokenSource(config, persistent, memoryStorage()).current(), "h.o.st");
  persistent.setItem("sb-abcd-auth-token", "not json");
  assert.equal(createTokenSource(config, persistent, memoryStorage()).current(), null);
});
