/**
 * Collects the issues of a request: every one is counted, but only the first
 * {@link MAX_LISTED_ISSUES} are built, so a body with 60,000 bad keys costs a count, not 60,000
 * objects that no response would show.
 *
 * @module
 */
import { type Issue, MAX_LISTED_ISSUES, ValidationError } from "./errors.ts";

/**
 * The issues found so far: `listed` holds the first {@link MAX_LISTED_ISSUES}, `count` all.
 *
 * @example
 * ```ts
 * const issues = new IssueList();
 * issues.add({ index: 0, path: "event", message: "is required" });
 * issues.addEach(["a", "b"], (key) => ({ index: 0, path: key, message: "is not a known field" }));
 * issues.count; // 3
 * issues.throwIfAny("Some events are not valid"); // 400 validation_failed, 3 issues
 * ```
 */
export class IssueList {
  readonly listed: Issue[] = [];
  count = 0;

  add(issue: Issue): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_ISSUES) this.listed.push(issue);
  }

  /** Counts one issue per item; calls `toIssue` only for the items that will be listed. */
  addEach<T>(items: readonly T[], toIssue: (item: T) => Issue): void {
    const room = Math.min(items.length, MAX_LISTED_ISSUES - this.listed.length);
    for (let i = 0; i < room; i++) this.listed.push(toIssue(items[i]));
    this.count += items.length;
  }

  /** Throws a 400 `validation_failed` with the listed issues and the count, if there are any. */
  throwIfAny(message: string): void {
    if (this.count > 0) {
      throw new ValidationError("validation_failed", message, this.listed, this.count);
    }
  }
}
