/**
 * Paging the jobs list: which rows a page asks for, and what its pager says ("51–100 of 201").
 *
 * @example
 * ```ts
 * pageRows(2, 50); // { from: 50, to: 99 }: the range() of PostgREST's rows
 * pageInfo(2, 50, 201).label; // "51–100 of 201"
 * ```
 */

/** Jobs per page. */
export const PAGE_SIZE = 50;

/** The zero-based, inclusive row range of a page, as supabase-js's `.range(from, to)` takes it. */
export function pageRows(page: number, pageSize = PAGE_SIZE): { from: number; to: number } {
  const from = (page - 1) * pageSize;
  return { from, to: from + pageSize - 1 };
}

/** How many pages `total` rows fill; never fewer than one, so an empty list has page 1. */
export function pageCount(total: number, pageSize = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

export interface PageInfo {
  page: number;
  pages: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
  /** The 1-based positions shown and the total: "51–100 of 201", "201 of 201", or "0 jobs". */
  label: string;
}

/** The pager of page `page` of `total` rows. */
export function pageInfo(page: number, pageSize: number, total: number): PageInfo {
  const pages = pageCount(total, pageSize);
  const first = Math.min((page - 1) * pageSize + 1, total);
  const last = Math.min(page * pageSize, total);
  return {
    page,
    pages,
    total,
    hasPrevious: page > 1,
    hasNext: page < pages,
    label: total === 0 ? "0 jobs" : `${first < last ? `${first}–` : ""}${last} of ${total}`,
  };
}
