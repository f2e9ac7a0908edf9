// Form state that lives in properties, not attributes: what the user types and what scripts set.
// The core writes the initial value/checked/selected in each element's encoding; this watcher sends
// the changes. Sources: `input`/`change` events (user edits, IME composition included), `reset`, and
// patched setters/methods (frameworks set `.value` directly, which fires no event). Every dirty field
// is read once at flush, so a burst of keystrokes costs one VALUE op. Masked values are masked here,
// before the encoder: the real value never reaches a frame.
// Also the other state of that kind the viewer's layout needs: an `<img>` written as not loaded
// (serialize.ts) gets LOADED once its `load` (or `error`) event says the page's request is over.
import type { CaptureContext, CaptureRoot } from '../context.js';
import { afterMethod, afterSetter, hookOwnSetter } from '../patches.js';
import { Realms, Watcher } from './base.js';
import { ELEMENT_NODE, localName, nodeType } from '../../dom/safe-dom.js';
import { formElements, queryAll, rootNode } from '../dom.js';

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const CHECKABLE = /^(checkbox|radio)$/i;

export class FormWatcher extends Watcher {
  readonly tags = ['option', 'input', 'textarea'];
  /** Fields (input, textarea, select) to read at the next flush. */
  readonly #dirty = new Set<Field>();
  /** What this watcher last wrote per element ('1'/'0' for checked and selected), to skip repeats. */
  readonly #sent = new WeakMap<Element, string>();
  /** Options' selectedness as last known to the viewer (from the element encoding, then our ops). */
  readonly #optionState = new WeakMap<Element, boolean>();

  /** Marks the field an event or a patched setter touched (a form: every control, for reset()). */
  readonly #mark = (el: unknown): void => {
    if (!el || nodeType(el as Node) !== ELEMENT_NODE) return;
    const e = el as Element;
    const name = localName(e);
    let field: Element | null = null;
    if (name === 'input' || name === 'textarea' || name === 'select' || name === 'img') field = e;
    else if (name === 'option') field = (e as HTMLOptionElement).closest('select') ?? null;
    else if (name === 'form') {
      // reset(): every control changes, and no input event says so
      for (const f of Array.from(formElements(e as HTMLFormElement))) this.#mark(f);
      return;
    }
    if (!field) return;
    this.#dirty.add(field as Field);
    this.request();
  };
  // the reset event fires before the form is reset; the flush reads the values afterwards. Every
  // captured root (shadow roots too) has this listener, and the one on the field's own root sees the
  // field itself as the target: outer roots see its host, no field, so there is no composedPath() to
  // build per keystroke (it was a third of this watcher's time on a shadow-DOM app)
  readonly #onEvent = (e: Event) => this.#mark(e.target);

  readonly #realms = new Realms(this.disposer, (win) => {
    const undo: Array<() => void> = [];
    const set = (proto: object | undefined, name: string) => {
      if (proto) undo.push(afterSetter(proto, name, this.#mark));
    };
    const call = <T extends object>(proto: T | undefined, name: keyof T & string) => {
      if (proto) undo.push(afterMethod(proto, name, this.#mark));
    };
    const I = win.HTMLInputElement?.prototype;
    const T = win.HTMLTextAreaElement?.prototype;
    const S = win.HTMLSelectElement?.prototype;
    const O = win.HTMLOptionElement?.prototype;
    set(I, 'value');
    set(I, 'checked');
    set(I, 'valueAsNumber');
    set(I, 'valueAsDate');
    call(I, 'setRangeText');
    call(I, 'stepUp');
    call(I, 'stepDown');
    set(T, 'value');
    call(T, 'setRangeText');
    set(S, 'value');
    set(S, 'selectedIndex');
    set(O, 'selected');
    return undo;
  });

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(root);
    // capture phase on every root: shadow roots see their own fields (events are retargeted above)
    // compositionend: the committed IME text; load and error (of an <img>) do not bubble, but the
    // capture phase hears them
    for (const type of ['input', 'change', 'compositionend', 'reset', 'load', 'error']) this.disposer.listen(root, type, this.#onEvent);
  }

  elementAdded(el: Element): void {
    // the element encoding told the viewer this option's state
    if (localName(el) === 'option') this.#optionState.set(el, (el as HTMLOptionElement).selected);
    else {
      // a framework's own accessor on the field (React's value tracker) bypasses the prototype patches
      hookOwnSetter(el, 'value');
      hookOwnSetter(el, 'checked');
    }
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    // the element encodings carry the current values; what is dirty is written by the next flush
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    for (const el of this.#dirty) this.#write(c, el);
    this.#dirty.clear();
  }

  override stop(): void {
    super.stop();
    this.#dirty.clear();
  }

  #write(c: CaptureContext, el: Field): void {
    const id = c.id(el);
    // not captured (removed, inside a blocked subtree) or a blocked placeholder: nothing to say
    if (!id || c.mask.isBlocked(el)) return;
    const name = localName(el);
    if (name === 'img') return c.encoder.loaded(id);
    if (name === 'select') return this.#writeSelect(c, el as HTMLSelectElement);
    if (name === 'input' && CHECKABLE.test((el as HTMLInputElement).type)) {
      const input = el as HTMLInputElement;
      this.#writeChecked(c, input, id);
      // checking a radio unchecks the others of its group without any event
      if (input.type.toLowerCase() === 'radio' && input.checked && input.name) {
        for (const other of radioGroup(input)) if (other !== input) this.#writeChecked(c, other, c.id(other));
      }
      return;
    }
    if (name === 'input' && (el as HTMLInputElement).type.toLowerCase() === 'file') return; // a local path
    const value = isMasked(c, el) ? c.mask.maskValue(el, el.value) : el.value;
    if (this.#sent.get(el) === value) return;
    this.#sent.set(el, value);
    c.encoder.inputValue(id, value);
  }

  #writeChecked(c: CaptureContext, input: HTMLInputElement, id: number): void {
    if (!id) return;
    const v = input.checked ? '1' : '0';
    if (this.#sent.get(input) === v) return;
    this.#sent.set(input, v);
    c.encoder.checked(id, input.checked);
  }

  /**
   * Selects send SELECTED per option whose state changed (the mirror sets option.selected), which also
   * covers `<select multiple>`, where VALUE (setting .value) could only express one option. A masked
   * select sends nothing: which option is chosen is the value.
   */
  #writeSelect(c: CaptureContext, select: HTMLSelectElement): void {
    if (isMasked(c, select)) return;
    const options = select.options;
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      if (this.#optionState.get(o) === o.selected) continue;
      const id = c.id(o);
      if (!id || c.mask.isBlocked(o)) continue;
      this.#optionState.set(o, o.selected);
      c.encoder.selected(id, o.selected);
    }
  }
}

function isMasked(c: CaptureContext, el: Element): boolean {
  return c.mask.isValueMasked(el, c.textMasked(el));
}

/** The radios of `input`'s group: same name, same form owner, same tree. */
function radioGroup(input: HTMLInputElement): HTMLInputElement[] {
  const out: HTMLInputElement[] = [];
  for (const el of Array.from(queryAll(rootNode(input), 'input') as ArrayLike<HTMLInputElement>)) {
    if (el.type.toLowerCase() === 'radio' && el.name === input.name && el.form === input.form) out.push(el);
  }
  return out;
}
