/**
 * Building DOM nodes with text content only: event names and stages come from users, so nothing
 * is ever parsed as HTML.
 *
 * @example
 * ```ts
 * h("p", { class: "empty" }, "No jobs yet");
 * svg("rect", { x: 0, y: 0, width: 10, height: 4 });
 * ```
 */
type Attrs = Record<string, string | number | undefined>;
type Child = Node | string | null | undefined | false;

function build<E extends Element>(element: E, attrs: Attrs, children: Child[]): E {
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child) element.append(child);
  }
  return element;
}

/** An HTML element. */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);
}
