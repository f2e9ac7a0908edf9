// Cross-browser fidelity check for the end-to-end tests. The sharer's page and the agent's mirror
// live in different browser contexts, so they cannot be compared node by node as in the engine's
// fidelity tests (test/helpers/compare.ts). Instead each side is dumped to a canonical list of lines
// — structure, text, attributes, form state, scroll — in its own page, and the lists are diffed here.
//
// The dump walks the document tree the same way on both sides and knows nothing of the mirror's
// node ids or any other state of the implementation: every node found is dumped unless a rule below,
// written from the documented behaviour (README, SPEC.md), says why that side differs on purpose.
// An element the mirror adds or forgets to remove shows up as a difference.
//
// What the dump leaves out, and why (each is the mirror's documented, intended difference):
//   - <script>/<noscript> and their content: capture sends them childless, the mirror makes them inert;
//   - the children of a <canvas>: capture never sends fallback content (it is not shown with scripting
//     on), and the mirror puts its own <style data-cobrowse-mirror-canvas> there to show the picture;
//   - on* attributes and attributes the mirror adds to mark state (data-cobrowse-mirror-*);
//   - <style> text: the mirror rewrites :hover/:focus selectors; the rule count is compared instead;
//   - URL attributes are compared resolved against the sharer's URL (the mirror stores them absolute);
//     a <link> to a data: URL that is not an image, font or CSS is dropped by the mirror: not compared;
//   - masked and blocked elements (the caller's selector) are compared by tag only;
//   - an <iframe>'s src/srcdoc: the mirror never loads the real frame, it builds the captured one
//     (whose document is compared).

/**
 * Runs in a page: `dumpDocument(doc, baseUrl, masked?, absent?)` → lines. Passed to page.evaluate as a
 * string. Elements matching the `masked` selector are one line each, without attributes or content:
 * masking changes them on purpose, and the tests check masked content separately. Elements matching
 * `absent` are left out with their subtree (on the sharer: what capture ignores, `data-cobrowse-ignore`).
 */
export const DUMP_SOURCE = String.raw`
(function dumpDocument(doc, base, masked, absent) {
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'poster', 'cite', 'data', 'background', 'xlink:href']);
  const SKIP = new Set(['script', 'noscript']);
  const lines = [];
  const win = doc.defaultView;
  lines.push('scroll ' + Math.round(win.scrollX) + ',' + Math.round(win.scrollY));
  const walk = (node, depth) => {
    const pad = ' '.repeat(depth);
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) { lines.push(pad + '#text ' + JSON.stringify(child.data)); continue; }
      if (child.nodeType === 8) { lines.push(pad + '#comment ' + JSON.stringify(child.data)); continue; }
      if (child.nodeType === 10) { lines.push(pad + '<!doctype ' + child.name + '>'); continue; }
      if (child.nodeType !== 1) continue;
      const el = child;
      const name = el.localName;
      if (SKIP.has(name)) continue;
      if (absent && el.matches(absent)) continue;
      if (masked && el.matches(masked)) { lines.push(pad + '<' + name + ' (masked)>'); continue; }
      const attrs = [...el.attributes]
        .filter((a) => !a.name.startsWith('on') && !a.name.startsWith('data-cobrowse-mirror-'))
        .filter((a) => !(name === 'iframe' && (a.name === 'src' || a.name === 'srcdoc')))
        .map((a) => {
          let v = a.value;
          // a <link> to a data: URL that is not an image, a font or CSS (e.g. the favicon trick "data:,")
          // loads nothing in the mirror: it has no href there (src/mirror/sanitize.ts), so none is compared
          if (name === 'link' && a.name === 'href' && /^data:/i.test(v) && !/^data:(image\/|font\/|text\/css)/i.test(v)) return null;
          if (URL_ATTRS.has(a.name) && v && !/^(#|data:|blob:|about:|mailto:|tel:|javascript:)/i.test(v)) {
            try { v = new URL(v, base).href; } catch {}
          }
          return a.name + '=' + JSON.stringify(v);
        })
        .filter((a) => a !== null)
        .sort();
      lines.push(pad + '<' + name + (attrs.length ? ' ' + attrs.join(' ') : '') + '>');
      if (name === 'input' || name === 'textarea' || name === 'select') {
        lines.push(pad + '  @value ' + JSON.stringify(el.value));
        if (el.type === 'checkbox' || el.type === 'radio') lines.push(pad + '  @checked ' + el.checked);
      }
      if (el.scrollTop || el.scrollLeft) lines.push(pad + '  @scroll ' + Math.round(el.scrollLeft) + ',' + Math.round(el.scrollTop));
      if (name === 'style') {
        lines.push(pad + '  @rules ' + (el.sheet ? el.sheet.cssRules.length : -1));
        continue;
      }
      if (name === 'canvas') continue; // its children: see the header
      if (el.shadowRoot) { lines.push(pad + '  #shadow'); walk(el.shadowRoot, depth + 2); }
      if (name === 'iframe') {
        let inner = null;
        try { inner = el.contentDocument; } catch {}
        if (inner && inner.documentElement) { lines.push(pad + '  #document'); walk(inner, depth + 2); }
        continue;
      }
      walk(name === 'template' ? el.content : el, depth + 1);
    }
  };
  walk(doc, 0);
  return lines;
})`;

/** Lines that differ, as a short unified list ('-' sharer, '+' mirror). Empty when equal. */
export function diffDumps(sharer, mirror, max = 40) {
  const out = [];
  const n = Math.max(sharer.length, mirror.length);
  for (let i = 0; i < n && out.length < max; i++) {
    if (sharer[i] === mirror[i]) continue;
    out.push(`@${i} - ${sharer[i] ?? '(end)'}`);
    out.push(`@${i} + ${mirror[i] ?? '(end)'}`);
  }
  return out;
}
