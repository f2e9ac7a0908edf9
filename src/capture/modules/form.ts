// Form state that lives in properties, not attributes: what the user types and what scripts set.
// The core writes the initial value/checked/selected in each element's encoding; this module sends the
// changes. Sources: `input`/`change` events (user edits, IME composition included), `reset`, and patched
// setters/methods (frameworks set `.value` directly, which fires no event). Every dirty field is read
// once at flush, so a burst of keystrokes costs one VALUE op. Masked values are masked here, before the
// encoder: the real value never reaches a frame.
import type { CaptureContext, CaptureModule } from '../context.js';
import { afterMethod, afterSetter } from '../patches.js';
import { Disposer, innerTarget, Realms } from './util.js';
import { localName, nodeType } from '../../dom/safe-dom.js';
import { formElements, queryAll, rootNode } from '../dom.js';

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

const CHECKABLE = /^(checkbox|radio)$/i;

export function createFormModule(): CaptureModule {
  const d = new Disposer();
  let ctx: CaptureContext | null = null;
  /** Fields (input, textarea, select) to read at the next flush. */
  const dirty = new Set<Field>();
  /** What this module last wrote per element ('1'/'0' for checked and selected), to skip repeats. */
  const sent = new WeakMap<Element, string>();
  /** Options' selectedness as last known to the viewer (from the element encoding, then our ops). */
  const optionState = new WeakMap<Element, boolean>();

  function mark(el: unknown): void {
    if (!el || nodeType((el as Node)) !== 1) return;
    const e = el as Element;
    const name = localName(e);
    let field: Element | null = null;
    if (name === 'input' || name === 'textarea' || name === 'select') field = e;
    else if (name === 'option') field = (e as HTMLOptionElement).closest('select') ?? null;
    else if (name === 'form') {
      // reset(): every control changes, and no input event says so
      for (const f of Array.from(formElements(e as HTMLFormElement))) mark(f);
      return;
    }
    if (!field) return;
    dirty.add(field as Field);
    ctx?.requestFlush();
  }

  const onEvent = (e: Event) => mark(innerTarget(e));
  const onReset = (e: Event) => {
    // the reset event fires before the form is reset; the flush reads the values afterwards
    mark(innerTarget(e));
  };

  const realms = new Realms(d, (win) => {
    const undo: Array<() => void> = [];
    const set = (proto: object | undefined, name: string) => {
      if (proto) undo.push(afterSetter(proto, name, mark));
    };
    const call = <T extends object>(proto: T | undefined, name: keyof T & string) => {
      if (proto) undo.push(afterMethod(proto, name, mark));
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

  function isMasked(c: CaptureContext, el: Element): boolean {
    return c.mask.isValueMasked(el, c.mask.isTextMaskedAt(el));
  }

  function write(c: CaptureContext, el: Field): void {
    const id = c.id(el);
    // not captured (removed, inside a blocked subtree) or a blocked placeholder: nothing to say
    if (!id || c.mask.isBlocked(el)) return;
    const name = localName(el);
    if (name === 'select') return writeSelect(c, el as HTMLSelectElement);
    if (name === 'input' && CHECKABLE.test((el as HTMLInputElement).type)) {
      const input = el as HTMLInputElement;
      writeChecked(c, input, id);
      // checking a radio unchecks the others of its group without any event
      if (input.type.toLowerCase() === 'radio' && input.checked && input.name) {
        for (const other of radioGroup(input)) if (other !== input) writeChecked(c, other, c.id(other));
      }
      return;
    }
    if (name === 'input' && (el as HTMLInputElement).type.toLowerCase() === 'file') return; // a local path
    const value = isMasked(c, el) ? c.mask.maskValue(el, el.value) : el.value;
    if (sent.get(el) === value) return;
    sent.set(el, value);
    c.encoder.inputValue(id, value);
  }

  function writeChecked(c: CaptureContext, input: HTMLInputElement, id: number): void {
    if (!id) return;
    const v = input.checked ? '1' : '0';
    if (sent.get(input) === v) return;
    sent.set(input, v);
    c.encoder.checked(id, input.checked);
  }

  /**
   * Selects send SELECTED per option whose state changed (the mirror sets option.selected), which also
   * covers `<select multiple>`, where VALUE (setting .value) could only express one option. A masked
   * select sends nothing: which option is chosen is the value.
   */
  function writeSelect(c: CaptureContext, select: HTMLSelectElement): void {
    if (isMasked(c, select)) return;
    const options = select.options;
    for (let i = 0; i < options.length; i++) {
      const o = options[i]!;
      const known = optionState.get(o);
      if (known === o.selected) continue;
      const id = c.id(o);
      if (!id || c.mask.isBlocked(o)) continue;
      optionState.set(o, o.selected);
      c.encoder.selected(id, o.selected);
    }
  }

  return {
    tags: ['option'],
    rootAdded(root, c) {
      ctx = c;
      realms.add(root);
      // capture phase on every root: shadow roots see their own fields (events are retargeted above)
      d.listen(root, 'input', onEvent);
      d.listen(root, 'change', onEvent);
      d.listen(root, 'compositionend', onEvent); // the committed IME text
      d.listen(root, 'reset', onReset);
    },
    elementAdded(el) {
      // the element encoding told the viewer this option's state
      if (localName(el) === 'option') optionState.set(el, (el as HTMLOptionElement).selected);
    },
    snapshot(c) {
      ctx = c;
      // the element encodings carry the current values; what is dirty is written by the next flush
    },
    flush(c) {
      ctx = c;
      for (const el of dirty) write(c, el);
      dirty.clear();
    },
    stop() {
      d.dispose();
      dirty.clear();
      ctx = null;
    },
  };
}

/** The radios of `input`'s group: same name, same form owner, same tree. */
function radioGroup(input: HTMLInputElement): HTMLInputElement[] {
  const out: HTMLInputElement[] = [];
  for (const el of Array.from(queryAll(rootNode(input), 'input') as ArrayLike<HTMLInputElement>)) {
    if (el.type.toLowerCase() === 'radio' && el.name === input.name && el.form === input.form) out.push(el);
  }
  return out;
}
