import assert from "node:assert/strict";
import { pageCount, pageInfo, pageRows } from "../src/paging.ts";

Deno.test("a page asks for its own rows, inclusive, as .range() takes them", () => {
  assert.deepEqual(pageRows(1, 50), { from: 0, to: 49 });
  assert.deepEqual(pageRows(2, 50), { from: 50, to: 99 });
  assert.deepEqual(pageRows(5, 50), { from: 200, to: 249 });
});

Deno.test("the pager says which jobs are shown out of how many, and where it can go", () => {
  assert.deepEqual(pageInfo(1, 50, 201), {
    page: 1,
    pages: 5,
    total: 201,
    hasPrevious: false,
    hasNext: true,
    label: "1–50 of 201",
  });
  assert.equal(pageInfo(2, 50, 201).label, "51–100 of 201");
  const last = pageInfo(5, 50, 201);
  assert.equal(last.label, "201 of 201", "a page of one job");
  assert.equal(last.hasNext, false);
  assert.equal(last.hasPrevious, true);
  assert.equal(pageInfo(1, 50, 50).hasNext, false, "exactly one full page");
  assert.equal(pageInfo(1, 50, 0).label, "0 jobs");
  assert.equal(pageInfo(1, 50, 0).hasNext, false);
});

Deno.test("no jobs still make one page, so a page past the end clamps to page 1", () => {
  assert.equal(pageCount(0, 50), 1);
  assert.equal(pageCount(50, 50), 1);
  assert.equal(pageCount(51, 50), 2);
  assert.equal(pageCount(201, 50), 5);
});
