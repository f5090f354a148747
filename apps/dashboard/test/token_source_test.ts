import assert from "node:assert/strict";
import { readConfig } from "../src/config.ts";
import {
  createTokenSource,
  PASTED_TOKEN_KEY,
  sessionKeyFor,
  sessionKeyOf,
} from "../src/token_source.ts";

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
// The local stack's build: the API is the page's own origin.
const localBuild = { supabaseUrl: "", anonKey: "anon" };

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

Deno.test("a pasted token is sent only to the API origin it was pasted for", () => {
  const session = memoryStorage();
  const page = (query: string) =>
    createTokenSource(
      readConfig(new URL(`http://127.0.0.1:54321/dashboard/${query}`), localBuild),
      memoryStorage(),
      session,
    );
  assert.equal(page("").paste("a.b.c"), true);
  assert.equal(page("?api=http://127.0.0.1:9").current(), null, "another ?api= gets nothing");
  assert.equal(page("?api=https://attacker.example/x").current(), null);
  assert.equal(page("?api=http://127.0.0.1:54321/").current(), "a.b.c", "the same origin does");
  assert.equal(page("").current(), "a.b.c");
});

Deno.test("a bare token stored by an older page is not sent anywhere", () => {
  const session = memoryStorage();
  session.setItem(PASTED_TOKEN_KEY, "older.bare.token");
  const config = readConfig(
    new URL("http://127.0.0.1:54321/dashboard/?api=http://x.example"),
    built,
  );
  assert.equal(createTokenSource(config, memoryStorage(), session).current(), null);
});

Deno.test("off localhost a pasted token is refused, and one stored earlier is not used", () => {
  const session = memoryStorage();
  const planted = JSON.stringify({ api: "https://abcd.supabase.co", token: "planted.token.x" });
  session.setItem(PASTED_TOKEN_KEY, planted);
  const tokens = createTokenSource(
    readConfig(new URL("https://dash.example.com/"), built),
    memoryStorage(),
    session,
  );
  assert.equal(tokens.paste("a.b.c"), false);
  assert.equal(tokens.current(), null);
  assert.equal(session.getItem(PASTED_TOKEN_KEY), planted);
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

Deno.test("a local sign-in's session is kept per API origin, and read only for that origin", () => {
  const persistent = memoryStorage();
  const at = (query: string) =>
    readConfig(new URL(`http://127.0.0.1:54321/dashboard/${query}`), localBuild);
  assert.equal(sessionKeyFor(at("")), "track-event-dashboard-session:http://127.0.0.1:54321");
  assert.notEqual(sessionKeyFor(at("?api=http://127.0.0.1:9")), sessionKeyFor(at("")));
  persistent.setItem(sessionKeyFor(at("")), JSON.stringify({ access_token: "signed.in.here" }));
  assert.equal(createTokenSource(at(""), persistent, memoryStorage()).current(), "signed.in.here");
  const elsewhere = createTokenSource(at("?api=http://127.0.0.1:9"), persistent, memoryStorage());
  assert.equal(elsewhere.current(), null, "another ?api= does not get the session");
});

Deno.test("a pasted token wins over a signed-in session on the same local API", () => {
  const config = readConfig(new URL("http://127.0.0.1:54321/dashboard/"), localBuild);
  const persistent = memoryStorage();
  persistent.setItem(sessionKeyFor(config), JSON.stringify({ access_token: "from.password" }));
  const tokens = createTokenSource(config, persistent, memoryStorage());
  tokens.paste("pasted.by.dev");
  assert.equal(tokens.current(), "pasted.by.dev");
  tokens.forget();
  assert.equal(tokens.current(), "from.password");
});
