// Element and attribute names the viewer's DOM accepts. createElementNS and setAttribute(NS) throw
// InvalidCharacterError on a name they refuse, and browsers refuse different names: the DOM standard
// now allows any attribute name without whitespace, NUL, '/', '=' or '>' (what an HTML parser can
// make, e.g. Vue's `@click`), Chromium follows it, WebKitGTK 2.50 still applies the XML Name rule.
// Checked on a scratch element of the viewer's own document, never connected; results are cached.
import * as dom from '../dom/safe-dom.js';

const scratchDoc = document.implementation.createHTMLDocument('');
const scratch = scratchDoc.createElement('div');
const goodElements = new Set<string>();
const attrs = new Map<string, boolean>();

/** Whether createElementNS accepts `name` in `ns` here. */
export function elementNameOk(ns: string | null, name: string): boolean {
  const key = `${ns} ${name}`;
  if (goodElements.has(key)) return true;
  try {
    dom.createElementNS(scratchDoc, ns, name);
  } catch {
    return false;
  }
  goodElements.add(key);
  return true;
}

/** Whether setAttribute (setAttributeNS for xlink:, xml:, xmlns:) accepts `name` here. */
export function attrNameSettable(name: string): boolean {
  let ok = attrs.get(name);
  if (ok !== undefined) return ok;
  try {
    const ns = attrNamespace(name);
    if (ns) dom.setAttributeNS(scratch, ns, name, '');
    else dom.setAttribute(scratch, name, '');
    dom.removeAttribute(scratch, name);
    ok = true;
  } catch {
    ok = false;
  }
  // a frame may carry many distinct names: the cache is bounded (a miss only costs a try)
  if (attrs.size < 4096) attrs.set(name, ok);
  return ok;
}

/**
 * An attribute name the current DOM standard allows ("valid attribute local name": not empty, no ASCII
 * whitespace, NUL, '/', '=' or '>'). A page can hold such a name (its browser's parser made it), so
 * when the viewer's older DOM refuses one, the mirror drops that attribute instead of the frame. Any
 * other name comes from no page: a frame carrying one is malformed and rejected whole.
 */
export function standardAttrName(name: string): boolean {
  return name.length > 0 && !/[\t\n\f\r \0/=>]/.test(name);
}

/** The namespace `setAttributeNS` needs for a `prefix:local` name, or null for a plain attribute. */
export function attrNamespace(name: string): string | null {
  const c = name.indexOf(':');
  if (c < 0) return null;
  switch (name.slice(0, c)) {
    case 'xlink':
      return dom.XLINK_NS;
    case 'xml':
      return dom.XML_NS;
    case 'xmlns':
      return dom.XMLNS_NS;
    default:
      return null;
  }
}
