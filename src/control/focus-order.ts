// Tab and Shift+Tab: the next element in the page's sequential focus order, as the browser computes it
// — positive tabindex first (ascending), then tabindex 0 and natively focusable elements in flat-tree
// order (open shadow roots in place of their hosts' children, slots replaced by what they show),
// skipping what is disabled, hidden, inert, or not ours to focus (`accept`); one radio per group.
import {
  documentElement,
  ELEMENT_NODE,
  firstChild,
  hasAttribute,
  isHtml,
  matches,
  nextSibling,
  nodeType,
  shadowRoot,
} from '../dom/safe-dom.js';
import { isChecked, isRadio, sameRadioGroup } from './forms.js';
import { closestSelector, tabIndexOf } from './tree.js';

const assigned = HTMLSlotElement.prototype.assignedNodes;
const visible = Element.prototype.checkVisibility;

/** The element focus moves to from `from` (null: from the start or the end), wrapping around. */
export function nextInFocusOrder(doc: Document, from: Element | null, backward: boolean, accept: (el: Element) => boolean): Element | null {
  const order = focusOrder(doc, accept);
  if (!order.length) return null;
  const i = from ? order.indexOf(from) : -1;
  if (i < 0) return backward ? order[order.length - 1]! : order[0]!;
  return order[(i + (backward ? order.length - 1 : 1)) % order.length]!;
}

/** Every element Tab visits, in order. */
export function focusOrder(doc: Document, accept: (el: Element) => boolean): Element[] {
  const found: Element[] = [];
  const root = documentElement(doc);
  if (root) walkFlat(root, (el) => isTabbable(el) && accept(el) && found.push(el));
  const positive = found.filter((el) => tabIndexOf(el) > 0).sort((a, b) => tabIndexOf(a) - tabIndexOf(b));
  return dropGroupedRadios([...positive, ...found.filter((el) => tabIndexOf(el) === 0)]);
}

/** Visits elements in flat-tree order (iteratively: pages nest deep). */
function walkFlat(root: Element, visit: (el: Element) => void): void {
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (nodeType(n) !== ELEMENT_NODE) continue;
    const el = n as Element;
    visit(el);
    const kids = flatChildren(el);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

function flatChildren(el: Element): Node[] {
  if (isHtml(el, 'slot')) {
    const slotted = assigned.call(el as HTMLSlotElement, { flatten: true });
    if (slotted.length) return slotted;
  }
  const host = shadowRoot(el);
  const kids: Node[] = [];
  for (let c = firstChild(host ?? el); c; c = nextSibling(c)) kids.push(c);
  return kids;
}

function isTabbable(el: Element): boolean {
  if (tabIndexOf(el) < 0) return false;
  if (isHtml(el, 'a') && !hasAttribute(el, 'href') && !hasAttribute(el, 'tabindex')) return false;
  if (matches(el, ':disabled') || closestSelector(el, '[inert]')) return false;
  return visible.call(el, { visibilityProperty: true });
}

/** Only the checked radio of a group is in the order (the first one when none is checked). */
function dropGroupedRadios(order: Element[]): Element[] {
  const leaders: Element[] = [];
  for (const el of order) {
    if (!isRadio(el)) continue;
    const i = leaders.findIndex((r) => sameRadioGroup(r, el));
    if (i < 0) leaders.push(el);
    else if (!isChecked(leaders[i]!) && isChecked(el)) leaders[i] = el;
  }
  return order.filter((el) => !isRadio(el) || leaders.includes(el));
}
