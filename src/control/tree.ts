// Walking the customer's page the way input reaches it: across open shadow roots (a person's click
// lands inside a web component, not on its host), through the platform's own getters (safe-dom.ts),
// since the page's markup may clobber members such as `form.parentNode`.
import {
  activeElement,
  closest,
  ELEMENT_NODE,
  FRAGMENT_NODE,
  getter,
  hasAttribute,
  HTML_NS,
  isHtml,
  namespaceURI,
  nodeType,
  parentNode,
  shadowHost,
  shadowRoot,
  SVG_NS,
} from '../dom/safe-dom.js';

/** The parent of a node in the composed tree: a shadow root continues at its host. */
export function composedParent(n: Node): Node | null {
  const p = parentNode(n);
  return p && nodeType(p) === FRAGMENT_NODE ? hostOf(p as DocumentFragment) : p;
}

/** A shadow root's host; null for any other fragment (the platform getter's brand check tells them apart). */
function hostOf(f: DocumentFragment): Element | null {
  try {
    return shadowHost(f as ShadowRoot);
  } catch {
    return null;
  }
}

/** Whether `a` is `b` or one of its composed-tree ancestors. */
export function isInclusiveAncestor(a: Node, b: Node): boolean {
  for (let n: Node | null = b; n; n = composedParent(n)) if (n === a) return true;
  return false;
}

/** The element itself or its nearest composed-tree ancestor element satisfying `test`. */
export function closestComposed(el: Element, test: (e: Element) => boolean): Element | null {
  for (let n: Node | null = el; n; n = composedParent(n)) {
    if (nodeType(n) === ELEMENT_NODE && test(n as Element)) return n as Element;
  }
  return null;
}

/** `closest(selector)` continuing from each shadow root to its host. */
export function closestSelector(el: Element, selector: string): Element | null {
  for (let e: Element | null = el; e;) {
    const hit = closest(e, selector);
    if (hit) return hit;
    e = hostOfRoot(e);
  }
  return null;
}

/** The host of the shadow root holding `el`, or null in the document tree. */
function hostOfRoot(el: Element): Element | null {
  let n: Node | null = el;
  while (n && nodeType(n) !== FRAGMENT_NODE) n = parentNode(n);
  return n ? hostOf(n as DocumentFragment) : null;
}

const docFromPoint = Document.prototype.elementFromPoint;
const rootFromPoint = ShadowRoot.prototype.elementFromPoint;

/**
 * The element a person's pointer would hit at a viewport point: the document's hit, then inside each
 * open shadow root on the way down (the document's answer stops at the outermost host).
 */
export function deepElementFromPoint(doc: Document, x: number, y: number): Element | null {
  let el = docFromPoint.call(doc, x, y);
  for (let root = el && shadowRoot(el); el && root; root = shadowRoot(el)) {
    const inner = rootFromPoint.call(root, x, y);
    if (!inner || inner === el) break;
    el = inner;
  }
  return el;
}

/** The focused element, inside open shadow roots too; null when only the body (or nothing) has focus. */
export function deepActiveElement(doc: Document): Element | null {
  let el = activeElement(doc);
  for (let root = el && shadowRoot(el); el && root; root = shadowRoot(el)) {
    const inner = activeElement(root);
    if (!inner) break;
    el = inner;
  }
  return el && !isHtml(el, 'body') && !isHtml(el, 'html') ? el : null;
}

const contentEditable = getter<HTMLElement, boolean>(HTMLElement.prototype, 'isContentEditable');
/** Whether the element is editable through `contenteditable` (its own or inherited). */
export function isContentEditable(el: Element): boolean {
  return namespaceURI(el) === HTML_NS && contentEditable(el as HTMLElement);
}

const htmlFocus = HTMLElement.prototype.focus;
const svgFocus = SVGElement.prototype.focus;
const htmlBlur = HTMLElement.prototype.blur;
const svgBlur = SVGElement.prototype.blur;
const htmlTabIndex = getter<HTMLElement, number>(HTMLElement.prototype, 'tabIndex');
const svgTabIndex = getter<SVGElement, number>(SVGElement.prototype, 'tabIndex');
const dispatchFn = EventTarget.prototype.dispatchEvent;

/** Focuses an element through the platform's method (a form's own `focus` may be a field). */
export function focusElement(el: Element): void {
  (namespaceURI(el) === HTML_NS ? htmlFocus : svgFocus).call(el as HTMLElement & SVGElement);
}

export function blurElement(el: Element): void {
  (namespaceURI(el) === HTML_NS ? htmlBlur : svgBlur).call(el as HTMLElement & SVGElement);
}

/** The element's tabIndex (-1 for elements that have none, or are neither HTML nor SVG). */
export function tabIndexOf(el: Element): number {
  const ns = namespaceURI(el);
  if (ns === HTML_NS) return htmlTabIndex(el as HTMLElement);
  return ns === SVG_NS ? svgTabIndex(el as SVGElement) : -1;
}

/** Whether a click may focus it: any tabindex (even -1), natively focusable, or an editing host. */
export function isFocusableByClick(el: Element): boolean {
  return hasAttribute(el, 'tabindex') || tabIndexOf(el) >= 0 || isContentEditable(el);
}

/** Dispatches through the platform's method; false when a handler cancelled the event. */
export function dispatch(target: EventTarget, event: Event): boolean {
  return dispatchFn.call(target, event);
}
