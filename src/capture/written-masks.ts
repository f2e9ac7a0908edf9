// The masking each node was written with, kept per capture: a later attribute change or move is
// compared with it to decide whether the viewer's copy must be written again.
import { localName } from '../dom/safe-dom.js';
import { CHILDLESS } from './element-rules.js';
import type { MaskPolicy } from './mask.js';

/** Per element masking state that differs from "inherit, not blocked"; to notice when it changes. */
export const enum MaskState {
  Blocked = 1,
  Masks = 2,
  Unmasks = 4,
  /** An `<input>` whose type or autocomplete makes its value private: written masked. */
  Sensitive = 8,
}

/** The masking state of an element given its own rules (`input`: it is an `<input>`). */
export function maskStateOf(el: Element, mask: MaskPolicy, input?: boolean): number {
  let state = input && mask.isSensitiveField(el) ? MaskState.Sensitive : 0;
  if (mask.isBlocked(el)) state |= MaskState.Blocked;
  const rule = mask.ownTextRule(el);
  if (rule === true) state |= MaskState.Masks;
  else if (rule === false) state |= MaskState.Unmasks;
  return state;
}

/** Whether an element's text is masked, given its own MaskState and what its parent passes down. */
export function effectiveMask(state: number, inherited: boolean): boolean {
  return state & MaskState.Unmasks ? false : state & MaskState.Masks ? true : inherited;
}

export class WrittenMasks {
  /** Elements whose masking state is not the default (see MaskState). */
  readonly #states = new WeakMap<Element, number>();
  /** Nodes written while masked (text, and elements whose text is masked): to notice moves out. */
  readonly #masked = new WeakSet<Node>();

  stateOf(el: Element): number {
    return this.#states.get(el) ?? 0;
  }

  setState(el: Element, state: number): void {
    if (state) this.#states.set(el, state);
    else this.#states.delete(el);
  }

  markMasked(node: Node): void {
    this.#masked.add(node);
  }

  wasMasked(node: Node): boolean {
    return this.#masked.has(node);
  }

  /** Whether the element's own masking or blocking now differs from what it was written with. */
  changed(el: Element, mask: MaskPolicy, tag = localName(el)): boolean {
    return maskStateOf(el, mask, tag === 'input') !== this.stateOf(el);
  }

  wasBlocked(el: Element): boolean {
    return (this.stateOf(el) & MaskState.Blocked) !== 0;
  }

  /** Whether the viewer has this element's children (blocked and CHILDLESS elements show none). */
  childrenCaptured(el: Element): boolean {
    return !CHILDLESS.has(localName(el)) && !this.wasBlocked(el);
  }
}
