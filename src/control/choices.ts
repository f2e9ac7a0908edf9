// Changing a choice the way a person's keys or pick would: a <select>'s option (arrows, Home/End,
// typing an option's first letter, or a pick from its list) and the checked radio of a group (arrows).
import {
  defaultView,
  DOCUMENT_NODE,
  FRAGMENT_NODE,
  getter,
  isHtml,
  nodeType,
  ownerDocument,
  parentNode,
  rootNode,
} from '../dom/safe-dom.js';
import { isRadio, sameRadioGroup } from './forms.js';
import { dispatch } from './tree.js';

const options = getter<HTMLSelectElement, HTMLOptionsCollection>(HTMLSelectElement.prototype, 'options');
const selectedIndex = getter<HTMLSelectElement, number>(HTMLSelectElement.prototype, 'selectedIndex');
const setSelectedIndex = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'selectedIndex')!.set!;
const optionDisabled = getter<HTMLOptionElement, boolean>(HTMLOptionElement.prototype, 'disabled');
const groupDisabled = getter<HTMLOptGroupElement, boolean>(HTMLOptGroupElement.prototype, 'disabled');
const optionLabel = getter<HTMLOptionElement, string>(HTMLOptionElement.prototype, 'label');
const inputDisabled = getter<HTMLInputElement, boolean>(HTMLInputElement.prototype, 'disabled');
const queryAll = DocumentFragment.prototype.querySelectorAll;
const docQueryAll = Document.prototype.querySelectorAll;

export const isSelect = (el: Element): el is HTMLSelectElement => isHtml(el, 'select');

/** The options a person can pick (a disabled option, or one in a disabled group, cannot be). */
function pickable(s: HTMLSelectElement): boolean[] {
  return [...options(s)].map((o) => {
    const group = parentNode(o);
    return !optionDisabled(o) && !(group && isHtml(group, 'optgroup') && groupDisabled(group as HTMLOptGroupElement));
  });
}

/** Picks option `index` (when it can be picked and is not already chosen), firing `input` and `change`. */
export function pickOption(s: HTMLSelectElement, index: number): boolean {
  if (index === selectedIndex(s) || !pickable(s)[index]) return false;
  setSelectedIndex.call(s, index);
  fire(s, 'input');
  fire(s, 'change');
  return true;
}

/** The option a key moves a closed <select> to, or -1 (arrows step over disabled options). */
export function optionForKey(s: HTMLSelectElement, key: string): number {
  const ok = pickable(s);
  const at = selectedIndex(s);
  const first = ok.indexOf(true);
  const last = ok.lastIndexOf(true);
  if (key === 'Home') return first;
  if (key === 'End') return last;
  if (key === 'ArrowDown' || key === 'ArrowRight') return ok.findIndex((p, i) => p && i > at);
  if (key === 'ArrowUp' || key === 'ArrowLeft') return at <= 0 ? -1 : ok.lastIndexOf(true, at - 1);
  return typeAhead(s, ok, at, key);
}

/** A typed character picks the next option whose label starts with it, cycling. */
function typeAhead(s: HTMLSelectElement, ok: boolean[], at: number, key: string): number {
  const labels = [...options(s)].map((o) => optionLabel(o).trim().toLowerCase());
  for (let step = 1; step <= labels.length; step++) {
    const i = (at + step) % labels.length;
    if (ok[i] && labels[i]!.startsWith(key.toLowerCase())) return i;
  }
  return -1;
}

/** The radio an arrow key moves to within `radio`'s group (wrapping), or null. */
export function radioForKey(radio: HTMLInputElement, key: string): HTMLInputElement | null {
  const group = inputsIn(rootNode(radio)).filter(
    (r) => r === radio || (sameRadioGroup(radio, r) && !inputDisabled(r as HTMLInputElement)),
  ) as HTMLInputElement[];
  if (group.length < 2) return null;
  const i = group.indexOf(radio);
  const forward = key === 'ArrowDown' || key === 'ArrowRight';
  return group[(i + (forward ? 1 : group.length - 1)) % group.length]!;
}

export { isRadio };

/** The inputs of a document or shadow root, in tree order. */
function inputsIn(root: Node): Element[] {
  const type = nodeType(root);
  if (type === DOCUMENT_NODE) return [...docQueryAll.call(root as Document, 'input')];
  return type === FRAGMENT_NODE ? [...queryAll.call(root as DocumentFragment, 'input')] : [];
}

function fire(el: Element, type: string): void {
  const view = defaultView(ownerDocument(el)!)!;
  dispatch(el, new view.Event(type, { bubbles: true }));
}
