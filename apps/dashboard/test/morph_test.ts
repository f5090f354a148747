import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { morphChildren } from "../src/morph.ts";

const { document } = parseHTML("<html><body><main></main></body></html>");

/** Fresh nodes from markup, as a refresh builds them. */
function nodes(html: string): Node[] {
  const template = document.createElement("div");
  template.innerHTML = html;
  return [...template.childNodes];
}

function rootWith(html: string): Element {
  const root = document.createElement("main");
  morphChildren(root, nodes(html));
  return root;
}

Deno.test("an unchanged tree keeps every node: nothing holding a selection is replaced", () => {
  const html = '<section id="jobs"><h3>alice\'s export</h3><p>2.5 s</p></section>';
  const root = rootWith(html);
  const heading = root.querySelector("h3")!;
  const text = heading.firstChild!;
  morphChildren(root, nodes(html));
  assert.equal(root.querySelector("h3"), heading, "the same heading element");
  assert.equal(heading.firstChild, text, "the same text node");
  assert.equal(root.innerHTML, html);
});

Deno.test("a changed text updates that text node in place; its neighbours stay", () => {
  const root = rootWith('<section id="s"><h3>render</h3><p class="latency">2.5 s</p></section>');
  const heading = root.querySelector("h3")!;
  const latency = root.querySelector("p")!;
  const latencyText = latency.firstChild!;
  morphChildren(root, nodes('<section id="s"><h3>render</h3><p class="latency">3 s</p></section>'));
  assert.equal(root.querySelector("h3"), heading);
  assert.equal(root.querySelector("p"), latency);
  assert.equal(latency.firstChild, latencyText, "the text node itself is kept");
  assert.equal(latency.textContent, "3 s");
});

Deno.test("attributes are added, changed and removed to match", () => {
  const root = rootWith('<li data-key="a" class="stage running" data-latency-ms="">a</li>');
  const row = root.firstChild!;
  morphChildren(root, nodes('<li data-key="a" class="stage completed" title="done">a</li>'));
  assert.equal(root.firstChild, row);
  const li = root.firstChild as Element;
  assert.equal(li.getAttribute("class"), "stage completed");
  assert.equal(li.getAttribute("title"), "done");
  assert.equal(li.hasAttribute("data-latency-ms"), false);
});

Deno.test("keyed children are matched by key: reordered, inserted and removed, not rebuilt", () => {
  const root = rootWith(
    '<article data-key="j1">one</article><article data-key="j2">two</article>' +
      '<article data-key="j3">three</article>',
  );
  const [one, two, three] = [...root.children];
  morphChildren(
    root,
    nodes(
      '<article data-key="j3">three</article><article data-key="j0">zero</article>' +
        '<article data-key="j1">one!</article>',
    ),
  );
  const after = [...root.children];
  assert.deepEqual(after.map((a) => a.getAttribute("data-key")), ["j3", "j0", "j1"]);
  assert.equal(after[0], three, "j3 moved, not rebuilt");
  assert.equal(after[2], one, "j1 kept and updated");
  assert.equal(one.textContent, "one!");
  assert.ok(!after.includes(two), "j2 is gone");
});

Deno.test("a node of another kind is replaced; extra old children are removed", () => {
  const root = rootWith('<p class="empty">No stages yet.</p><span>x</span><span>y</span>');
  morphChildren(root, nodes('<ol class="waterfall"><li>fetch</li></ol>'));
  assert.equal(root.innerHTML, '<ol class="waterfall"><li>fetch</li></ol>');
});

Deno.test("unkeyed rows are matched by position, so a new first event shifts text, not nodes", () => {
  const root = rootWith("<tr><td>a</td></tr><tr><td>b</td></tr>");
  const rows = [...root.children];
  morphChildren(root, nodes("<tr><td>c</td></tr><tr><td>a</td></tr><tr><td>b</td></tr>"));
  assert.equal(root.children[0], rows[0]);
  assert.equal(root.children[1], rows[1]);
  assert.equal(root.textContent, "cab");
});
