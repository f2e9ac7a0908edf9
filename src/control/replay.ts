// The agent's input, performed on the customer's page after the guard allowed it: the element under
// the point (inside open shadow roots) gets the click a person's mouse would give it, keys go to the
// focused element only, scrolls and picks to the element the agent named. Nothing the agent's side
// says is trusted beyond a point, a key and a capture id: targets are found here, on this page.
import { boundingRect, defaultView, ELEMENT_NODE, getter, HTML_NS, isHtml, namespaceURI, nodeType } from '../dom/safe-dom.js';
import {
  refuse,
  type ClickAction,
  type ControlAction,
  type KeyAction,
  type Refusal,
  type ScrollAction,
  type SelectAction,
} from './actions.js';
import type { ControlGuard, Verdict } from './guard.js';
import { defaultButton, formOf, implicitSubmissionAllowed, isDisabledSubmitter } from './forms.js';
import { isSelect, pickOption } from './choices.js';
import { nextInFocusOrder } from './focus-order.js';
import { planKey, pressKey, type KeyCheck, type KeyContext } from './keys.js';
import { PointerInput } from './pointer.js';
import { ChangeTracker, isTextField, select, valueOf } from './text-edit.js';
import { deepActiveElement, deepElementFromPoint, dispatch, focusElement, isInclusiveAncestor } from './tree.js';

/** How the replay maps capture ids to the customer's nodes and back (the capture's own id table). */
export interface NodeLookup {
  idOf(node: Node): number;
  nodeOf(id: number): Node | null;
}

/** The result of an action: done (null), refused, or waiting for the customer to confirm a submission. */
export type Outcome = Verdict;

const scrollingElement = getter<Document, Element | null>(Document.prototype, 'scrollingElement');
const scrollTo = Element.prototype.scrollTo as (this: Element, options: ScrollToOptions) => void;
const htmlClick = HTMLElement.prototype.click;
const requestSubmit = HTMLFormElement.prototype.requestSubmit;
const execCommand = Document.prototype.execCommand;
const selectedIndex = getter<HTMLSelectElement, number>(HTMLSelectElement.prototype, 'selectedIndex');
const body = getter<Document, HTMLElement | null>(Document.prototype, 'body');

export class ControlReplay {
  readonly #doc: Document;
  readonly #guard: ControlGuard;
  readonly #ids: NodeLookup;
  readonly #pointer: PointerInput;
  readonly #keys: KeyContext;
  /** The action waiting for the customer's yes to its form submission. */
  #pending: ControlAction | null = null;

  constructor(doc: Document, guard: ControlGuard, ids: NodeLookup) {
    this.#doc = doc;
    this.#guard = guard;
    this.#ids = ids;
    const changes = new ChangeTracker();
    this.#pointer = new PointerInput(doc, () => this.#leavingFocus());
    this.#keys = {
      changes,
      activate: (el) => this.#activate(el),
      submit: (field) => this.#submitImplicitly(field),
      execCommand: (command, value) => void execCommand.call(doc, command, false, value ?? ''),
    };
  }

  /**
   * Performs one action, or says why not. `'confirm-submit'`: the action would submit a form, and
   * waits for `confirmSubmit()` (the customer said yes) or `declineSubmit()`.
   */
  perform(action: ControlAction): Outcome {
    return this.#run(action, false);
  }

  /**
   * The customer confirmed: the waiting action runs now, checked again from the start (the page may
   * have changed while the customer read the prompt). Null when nothing was waiting.
   */
  confirmSubmit(): Outcome {
    const action = this.#pending;
    this.#pending = null;
    return action ? this.#run(action, true) : null;
  }

  /** The customer declined: the waiting action is dropped; the refusal to report (null if none waited). */
  declineSubmit(): Refusal | null {
    const waiting = this.#pending !== null;
    this.#pending = null;
    return waiting ? refuse('submit-declined') : null;
  }

  /** Control ended: nothing waits any more, and the agent's pointer leaves the page. */
  end(): void {
    this.#pending = null;
    this.#pointer.leave();
  }

  #run(action: ControlAction, confirmed: boolean): Outcome {
    const out = this.#dispatch(action, confirmed);
    if (out === 'confirm-submit') this.#pending = action;
    return out;
  }

  #dispatch(action: ControlAction, confirmed: boolean): Outcome {
    switch (action.a) {
      case 'move':
        return this.#move(action.x, action.y);
      case 'click':
        return this.#click(action, confirmed);
      case 'key':
        return this.#key(action, confirmed);
      case 'scroll':
        return this.#scroll(action);
      case 'select':
        return this.#select(action);
    }
  }

  #move(x: number, y: number): Outcome {
    const hit = deepElementFromPoint(this.#doc, x, y);
    if (!hit) return refuse('outside', 'outside the viewport');
    const refusal = this.#guard.checkPointer(hit);
    if (!refusal) this.#pointer.move(hit, { x, y });
    return refusal;
  }

  #click(a: ClickAction, confirmed: boolean): Outcome {
    let at = { x: a.x, y: a.y };
    let hit = deepElementFromPoint(this.#doc, at.x, at.y);
    if (!hit) return refuse('outside', 'outside the viewport');
    // the point shows something around what the agent aimed at: the mirror's layout is a few pixels
    // off the customer's (fonts, masked text wrapping otherwise). Aim at that element itself, at the
    // nearest point of its box, if nothing covers it there; the guard then judges that element.
    const seen = a.id ? this.#ids.nodeOf(a.id) : null;
    if (seen && seen !== hit && isInclusiveAncestor(hit, seen)) {
      const aimed = this.#aimAt(seen);
      if (!aimed) return refuse('changed', 'what the agent aimed at is covered or gone here');
      [hit, at] = aimed;
    }
    const verdict = this.#guard.checkActivation(hit, confirmed);
    if (verdict && verdict !== 'confirm-submit') return verdict;
    if (!this.#sameTarget(hit, a.id)) return refuse('changed');
    if (verdict) return verdict;
    this.#pointer.click(hit, at);
    return null;
  }

  /** What is on top at the centre of `seen` (itself or inside it), and that point; null when covered or not laid out. */
  #aimAt(seen: Node): [Element, { x: number; y: number }] | null {
    if (nodeType(seen) !== ELEMENT_NODE) return null;
    const r = boundingRect(seen as Element);
    if (!r.width || !r.height) return null;
    const x = Math.round(r.left + r.width / 2);
    const y = Math.round(r.top + r.height / 2);
    const top = deepElementFromPoint(this.#doc, x, y);
    return top && isInclusiveAncestor(seen, top) ? [top, { x, y }] : null;
  }

  /** Whether the element under the point is what the agent saw there (itself, inside it, or around it). */
  #sameTarget(hit: Element, id: number): boolean {
    const seen = id ? this.#ids.nodeOf(id) : null;
    return !!seen && (isInclusiveAncestor(seen, hit) || isInclusiveAncestor(hit, seen));
  }

  #key(k: KeyAction, confirmed: boolean): Outcome {
    const focused = deepActiveElement(this.#doc);
    if (k.key === 'Tab') return this.#tab(focused, k);
    if (!focused) return refuse('not-focused');
    const plan = planKey(focused, k, this.#keys);
    const verdict = this.#checkAll(plan.checks, confirmed);
    if (verdict) return verdict;
    pressKey(focused, k, plan.run, () => deepActiveElement(this.#doc) ?? focused, plan.onKeyUp);
    return null;
  }

  /** The first refusal of the checks; else 'confirm-submit' when one asked for it; else null. */
  #checkAll(checks: KeyCheck[], confirmed: boolean): Verdict {
    let confirm = false;
    for (const { kind, el } of checks) {
      const g = this.#guard;
      const v =
        kind === 'input'
          ? g.checkInput(el)
          : kind === 'activation'
            ? g.checkActivation(el, confirmed)
            : g.checkImplicitSubmit(el, confirmed);
      if (v === 'confirm-submit') confirm = true;
      else if (v) return v;
    }
    return confirm ? 'confirm-submit' : null;
  }

  /**
   * Tab moves focus along the page's focus order, never into our own UI; it changes nothing, so the
   * focused element only has to be part of the shared page. With nothing focused it starts at the top.
   */
  #tab(focused: Element | null, k: KeyAction): Outcome {
    const from = focused ?? body(this.#doc);
    if (!from) return refuse('not-focused');
    const refusal = this.#guard.checkTarget(from);
    if (refusal) return refusal;
    const move = () => {
      const next = nextInFocusOrder(this.#doc, focused, k.shift, (el) => this.#guard.checkTarget(el) === null);
      if (!next) return;
      this.#leavingFocus();
      focusElement(next);
      // focus by keyboard selects a one-line field's text, so typing replaces it
      if (isTextField(next) && isHtml(next, 'input')) select(next, 0, valueOf(next).length);
    };
    pressKey(from, k, move, () => deepActiveElement(this.#doc) ?? from);
    return null;
  }

  #scroll(a: ScrollAction): Outcome {
    const node = a.id === 0 ? scrollingElement(this.#doc) : this.#ids.nodeOf(a.id);
    const el = node && nodeType(node) === ELEMENT_NODE ? (node as Element) : null;
    if (!el) return refuse('changed', 'no such element');
    const refusal = this.#guard.checkScroll(el);
    if (!refusal) scrollTo.call(el, { left: a.x, top: a.y, behavior: 'instant' });
    return refusal;
  }

  #select(a: SelectAction): Outcome {
    const node = this.#ids.nodeOf(a.id);
    const el = node && nodeType(node) === ELEMENT_NODE ? (node as Element) : null;
    if (!el || !isSelect(el)) return refuse('changed', 'no such list');
    const refusal = this.#guard.checkInput(el);
    if (refusal) return refusal;
    if (deepActiveElement(this.#doc) !== el) {
      this.#leavingFocus();
      focusElement(el); // picking from a list focuses it
    }
    return pickOption(el, a.index) || selectedIndex(el) === a.index ? null : refuse('changed', 'no such option');
  }

  /**
   * Focus is about to move away by the agent's hand: a field it edited fires `change` now, before
   * `blur`, in Chromium's order (when the customer moves focus, the tracker's blur listener fires it
   * just after `blur`).
   */
  #leavingFocus(): void {
    const active = deepActiveElement(this.#doc);
    if (active && isTextField(active)) this.#keys.changes.commit(active);
  }

  /** A click without a pointer (Enter, Space, arrows in a radio group), as the browser synthesises it. */
  #activate(el: Element): void {
    if (deepActiveElement(this.#doc) !== el) {
      this.#leavingFocus();
      focusElement(el);
    }
    if (namespaceURI(el) === HTML_NS) htmlClick.call(el as HTMLElement);
    else dispatch(el, new (defaultView(this.#doc) ?? window).MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  }

  /** Enter in a field: its form's default button is clicked, or the form submitted when it may be. */
  #submitImplicitly(field: HTMLInputElement): void {
    const form = formOf(field);
    if (!form) return;
    const button = defaultButton(form);
    if (button) {
      if (!isDisabledSubmitter(button)) this.#activate(button);
    } else if (implicitSubmissionAllowed(form)) {
      requestSubmit.call(form);
    }
  }
}
