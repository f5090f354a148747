/**
 * Stages in pipeline order, not alphabetical. Within a job, a stage's place is its earliest start
 * (`first_started_at`), so a restarted stage keeps the place it first had. Across jobs (the summary
 * and the trend), stages sort by their average place in the jobs shown; stages that none of them
 * has come after, and ties go alphabetically, so the order never flickers between refreshes.
 *
 * @example
 * ```ts
 * const ordered = jobStagesInOrder(stagesOfOneJob);
 * const rows = inPipelineOrder(summary, [ordered, ...]);
 * ```
 */
import type { StageRun } from "./model.ts";

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function startOf(run: StageRun): number {
  const iso = run.first_started_at ?? run.started_at;
  return iso ? Date.parse(iso) : Infinity;
}

/** One job's stages by their earliest start, then by name. */
export function jobStagesInOrder(runs: readonly StageRun[]): StageRun[] {
  return runs.toSorted((a, b) => startOf(a) - startOf(b) || byName(a.stage, b.stage));
}

/** Each stage's average place (0 = first) over the jobs, each given in pipeline order. */
export function averagePlaces(jobs: readonly (readonly StageRun[])[]): Map<string, number> {
  const sums = new Map<string, { total: number; count: number }>();
  for (const stages of jobs) {
    stages.forEach((run, place) => {
      const sum = sums.get(run.stage) ?? { total: 0, count: 0 };
      sum.total += place;
      sum.count += 1;
      sums.set(run.stage, sum);
    });
  }
  return new Map([...sums].map(([stage, { total, count }]) => [stage, total / count]));
}

/** `rows` sorted by their stage's average place in `jobs`, then alphabetically. */
export function inPipelineOrder<T extends { stage: string }>(
  rows: readonly T[],
  jobs: readonly (readonly StageRun[])[],
): T[] {
  const places = averagePlaces(jobs);
  const placeOf = (stage: string) => places.get(stage) ?? Infinity;
  return rows.toSorted((a, b) => {
    const difference = placeOf(a.stage) - placeOf(b.stage);
    // Infinity - Infinity is NaN: two stages no job shows sort by name.
    return (Number.isNaN(difference) ? 0 : difference) || byName(a.stage, b.stage);
  });
}

/** Every stage named in `rows`, in pipeline order, each once. */
export function stageNamesInOrder(
  rows: readonly { stage: string }[],
  jobs: readonly (readonly StageRun[])[],
): string[] {
  const unique = [...new Set(rows.map((row) => row.stage))].map((stage) => ({ stage }));
  return inPipelineOrder(unique, jobs).map((row) => row.stage);
}
