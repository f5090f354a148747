import assert from "node:assert/strict";
import {
  DEFAULT_RANGE,
  rangeBounds,
  readViewState,
  startOfUtcDay,
  urlWithViewState,
} from "../src/view_state.ts";

Deno.test("the URL keeps the range and the page; anything malformed falls back", () => {
  const base = "http://127.0.0.1/dashboard/";
  assert.deepEqual(readViewState(new URL(`${base}?range=30d&page=3`)), { range: "30d", page: 3 });
  assert.deepEqual(readViewState(new URL(base)), { range: DEFAULT_RANGE, page: 1 });
  for (const query of ["range=1y&page=0", "range=constructor&page=-2", "range=&page=1.5"]) {
    assert.deepEqual(readViewState(new URL(`${base}?${query}`)), { range: "7d", page: 1 }, query);
  }
});

Deno.test("writing the view keeps the URL's other parameters and leaves page 1 out", () => {
  const url = new URL("http://127.0.0.1/dashboard/?refresh=300&page=4");
  assert.equal(
    urlWithViewState(url, { range: "90d", page: 1 }).search,
    "?refresh=300&range=90d",
  );
  const paged = urlWithViewState(url, { range: "24h", page: 2 });
  assert.deepEqual(readViewState(paged), { range: "24h", page: 2 });
  assert.equal(paged.searchParams.get("refresh"), "300");
});

Deno.test("a range ends now, and its trend covers every UTC day it touches", () => {
  const now = new Date("2026-12-03T13:20:00Z");
  const week = rangeBounds("7d", now);
  assert.equal(week.since.toISOString(), "2026-11-26T13:20:00.000Z");
  assert.equal(week.until, now);
  assert.equal(week.firstDay.toISOString(), "2026-11-26T00:00:00.000Z");
  assert.equal(week.days.length, 8);
  assert.equal(week.days[0], "2026-11-26");
  assert.equal(week.days.at(-1), "2026-12-03");
  assert.deepEqual(rangeBounds("24h", now).days, ["2026-12-02", "2026-12-03"]);
  assert.equal(rangeBounds("90d", now).days.length, 91);
  assert.equal(
    startOfUtcDay(new Date("2026-12-03T00:00:00Z")).toISOString(),
    "2026-12-03T00:00:00.000Z",
  );
});
