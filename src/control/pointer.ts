// The agent's pointer on the customer's page, dispatched as a mouse's would be: hover transitions
// (over/out on the element, enter/leave on each ancestor it enters or leaves), then down, focus, up
// and click — pointer events first, their compatibility mouse events after, as Chromium orders them.
// The click is a real `click` event, so its activation behaviour (checkbox, radio, label, link,
// submit button, <summary>) runs natively, exactly as for a person's click.
import { defaultView, ELEMENT_NODE, isConnected, nodeType } from '../dom/safe-dom.js';
import { blurElement, composedParent, deepActiveElement, dispatch, focusElement, isFocusableByClick, isInclusiveAncestor } from './tree.js';

export interface Point {
  x: number;
  y: number;
}

type Kind = 'pointer' | 'mouse';
/** Per event type: bubbles/cancelable (enter and leave do neither, per UI Events). */
const QUIET = new Set(['pointerenter', 'pointerleave', 'mouseenter', 'mouseleave']);

export class PointerInput {
  readonly #doc: Document;
  /** The element the agent's pointer is over (the customer's own pointer is tracked by the browser). */
  #hovered: Element | null = null;
  /** Where the agent's pointer is (a click elsewhere moves it there first, as a hand does). */
  #at: Point | null = null;

  /** Called before the click moves focus (the replay fires a pending `change` first, as Chromium does). */
  readonly #leavingFocus: () => void;

  constructor(doc: Document, leavingFocus: () => void) {
    this.#doc = doc;
    this.#leavingFocus = leavingFocus;
  }

  /** The pointer moved onto `target`. */
  move(target: Element, at: Point): void {
    this.#at = at;
    this.#hover(target, at);
    this.#fire(target, 'pointer', 'pointermove', at, 0);
    this.#fire(target, 'mouse', 'mousemove', at, 0);
  }

  /** A primary-button click on `target`: the whole sequence a person's click produces. */
  click(target: Element, at: Point): void {
    if (this.#at?.x !== at.x || this.#at.y !== at.y || this.#hovered !== target) this.move(target, at);
    // a cancelled pointerdown suppresses the compatibility mouse events (not the click)
    const compat = this.#fire(target, 'pointer', 'pointerdown', at, 1);
    // a cancelled mousedown keeps the focus where it was
    if (!compat || this.#fire(target, 'mouse', 'mousedown', at, 1)) this.#focusFor(target);
    this.#fire(target, 'pointer', 'pointerup', at, 0);
    if (compat) this.#fire(target, 'mouse', 'mouseup', at, 0);
    // a handler may have removed the target (a re-render): a person's click then lands nowhere
    if (isConnected(target)) this.#fire(target, 'pointer', 'click', at, 0);
  }

  /** Control ended: the agent's pointer leaves the page. */
  leave(): void {
    this.#at = null;
    if (this.#hovered) this.#hover(null, { x: -1, y: -1 });
  }

  /** Out/leave from the old element, over/enter into the new one. */
  #hover(target: Element | null, at: Point): void {
    const old = this.#hovered && isConnected(this.#hovered) ? this.#hovered : null;
    this.#hovered = target;
    if (old === target) return;
    const left = old ? ancestorsNotOver(old, target) : [];
    const entered = target ? ancestorsNotOver(target, old).reverse() : [];
    for (const kind of ['pointer', 'mouse'] as const) {
      if (old) this.#fire(old, kind, `${kind}out`, at, 0, target);
      for (const el of left) this.#fire(el, kind, `${kind}leave`, at, 0, target);
      if (target) this.#fire(target, kind, `${kind}over`, at, 0, old);
      for (const el of entered) this.#fire(el, kind, `${kind}enter`, at, 0, old);
    }
  }

  /** Focus goes to the nearest focusable element at the click, or leaves the focused one. */
  #focusFor(target: Element): void {
    this.#leavingFocus();
    for (let n: Node | null = target; n; n = composedParent(n)) {
      if (nodeType(n) !== ELEMENT_NODE || !isFocusableByClick(n as Element)) continue;
      focusElement(n as Element);
      if (deepActiveElement(this.#doc) === n) return;
    }
    const active = deepActiveElement(this.#doc);
    if (active) blurElement(active);
  }

  /** Dispatches one event; false when a handler cancelled it. */
  #fire(target: Element, kind: Kind, type: string, at: Point, buttons: number, related: Element | null = null): boolean {
    const view = defaultView(this.#doc);
    if (!view) return false;
    const quiet = QUIET.has(type);
    const init: PointerEventInit = {
      bubbles: !quiet,
      cancelable: !quiet,
      composed: true,
      view,
      clientX: at.x,
      clientY: at.y,
      screenX: at.x + view.screenX,
      screenY: at.y + view.screenY,
      button: type.endsWith('move') || type.endsWith('over') || type.endsWith('out') || quiet ? -1 : 0,
      buttons,
      relatedTarget: related,
      detail: /down|up|click/.test(type) ? 1 : 0,
    };
    if (kind === 'mouse') return dispatch(target, new view.MouseEvent(type, { ...init, button: Math.max(0, init.button!) }));
    const pointer = { ...init, pointerId: 1, pointerType: 'mouse', isPrimary: true, width: 1, height: 1, pressure: buttons ? 0.5 : 0 };
    return dispatch(target, new view.PointerEvent(type, pointer));
  }
}

/** `el` and its composed ancestors, up to (not including) the first that also contains `other`. */
function ancestorsNotOver(el: Element, other: Element | null): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el; n && nodeType(n) === ELEMENT_NODE; n = composedParent(n)) {
    if (other && isInclusiveAncestor(n, other)) break;
    out.push(n as Element);
  }
  return out;
}
