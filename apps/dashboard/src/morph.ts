/**
 * Updates the page in place instead of replacing it: a refresh builds the views afresh, and
 * `morphChildren` changes the live DOM only where the new tree differs. Nodes whose content did
 * not change stay the same objects, so a text selection in them (or in a text node whose value
 * is untouched) survives the refresh; replacing them would drop it.
 *
 * Children are matched by key (`id`, or `data-key`: a job id, a stage name) and otherwise by
 * position and tag. A matched node is moved only when its place changed.
 *
 * @example
 * ```ts
 * morphChildren(root, [jobsSection, summarySection]);
 * ```
 */

// nodeType rather than `instanceof Element`: the unit tests run on a DOM without globals.
function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function keyOf(node: Node): string | null {
  if (!isElement(node)) return null;
  return node.id || node.getAttribute("data-key");
}

function sameKind(a: Node, b: Node): boolean {
  if (a.nodeType !== b.nodeType) return false;
  if (isElement(a) && isElement(b)) {
    return a.namespaceURI === b.namespaceURI && a.tagName === b.tagName;
  }
  return true;
}

function syncAttributes(current: Element, next: Element): void {
  for (const { name } of [...current.attributes]) {
    if (!next.hasAttribute(name)) current.removeAttribute(name);
  }
  for (const { name, value } of next.attributes) {
    if (current.getAttribute(name) !== value) current.setAttribute(name, value);
  }
}

/** Makes `current` look like `next`, a node of the same kind, keeping what already matches. */
export function morph(current: Node, next: Node): void {
  if (current.isEqualNode(next)) return;
  if (isElement(current) && isElement(next)) {
    syncAttributes(current, next);
    morphChildren(current, [...next.childNodes]);
  } else if (current.nodeValue !== next.nodeValue) {
    current.nodeValue = next.nodeValue;
  }
}

/** Makes `parent`'s children match `wanted` (fresh nodes, which may be adopted into it). */
export function morphChildren(parent: Element, wanted: readonly Node[]): void {
  const wantedKeys = new Set(wanted.map(keyOf).filter((key) => key !== null));
  // The keyed children still to be matched: only those that the new tree has too.
  const keyed = new Map<string, ChildNode>();
  for (const child of parent.childNodes) {
    const key = keyOf(child);
    if (key !== null && wantedKeys.has(key)) keyed.set(key, child);
  }
  let cursor: ChildNode | null = parent.firstChild;
  const dropStale = () => {
    for (let key; cursor && (key = keyOf(cursor)) !== null && !keyed.has(key);) {
      const after: ChildNode | null = cursor.nextSibling;
      cursor.remove();
      cursor = after;
    }
  };
  for (const next of wanted) {
    dropStale();
    const key = keyOf(next);
    let match: ChildNode | null = null;
    if (key !== null) {
      const found = keyed.get(key);
      if (found && sameKind(found, next)) match = found;
      keyed.delete(key);
    } else if (cursor && keyOf(cursor) === null && sameKind(cursor, next)) {
      match = cursor;
    }
    if (match === null) {
      parent.insertBefore(next, cursor);
      continue;
    }
    if (match === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(match, cursor);
    morph(match, next);
  }
  while (cursor) {
    const after: ChildNode | null = cursor.nextSibling;
    cursor.remove();
    cursor = after;
  }
}
