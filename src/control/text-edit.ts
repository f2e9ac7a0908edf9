// Editing a text field as typing does. The value is written through the platform's own setter
// (HTMLInputElement.prototype / HTMLTextAreaElement.prototype), not the element's `value` property:
// React replaces that property on its inputs to track the last value it rendered, and only a write
// that bypasses the tracker makes React (and Vue, Lit, plain listeners) see the following `input`
// event as the change it is. The events around it are the ones an editor sends: `beforeinput`
// (cancelable, which cancels the edit), `input`, and `change` when the field is left or Enter is hit.
import { addListener, defaultView, getter, isHtml, ownerDocument, removeListener } from '../dom/safe-dom.js';
import { typeOfInput } from './forms.js';
import { dispatch } from './tree.js';

export type TextField = HTMLInputElement | HTMLTextAreaElement;

interface Access {
  value: PropertyDescriptor;
  start: (f: TextField) => number | null;
  end: (f: TextField) => number | null;
  readOnly: (f: TextField) => boolean;
  maxLength: (f: TextField) => number;
  setRange: (start: number, end: number, direction?: 'forward' | 'backward' | 'none') => void;
}
function access(proto: HTMLInputElement | HTMLTextAreaElement): Access {
  return {
    value: Object.getOwnPropertyDescriptor(proto, 'value')!,
    start: getter(proto, 'selectionStart'),
    end: getter(proto, 'selectionEnd'),
    readOnly: getter(proto, 'readOnly'),
    maxLength: getter(proto, 'maxLength'),
    setRange: proto.setSelectionRange,
  };
}
const INPUT = access(HTMLInputElement.prototype);
const TEXTAREA = access(HTMLTextAreaElement.prototype);
const of = (f: TextField): Access => (isHtml(f, 'textarea') ? TEXTAREA : INPUT);

/** Input types a person types characters into (date and color pickers have their own UI). */
const TYPED = new Set(['text', 'search', 'url', 'tel', 'email', 'password', 'number']);

/** A field that takes typed text: a textarea or a text-like input. */
export function isTextField(el: Element): el is TextField {
  return isHtml(el, 'textarea') || (isHtml(el, 'input') && TYPED.has(typeOfInput(el as HTMLInputElement)));
}

export const valueOf = (f: TextField): string => of(f).value.get!.call(f) as string;
const setValue = (f: TextField, v: string): void => void of(f).value.set!.call(f, v);

/** The selection; types without one (email, number) act as if the caret were at the end. */
export function selectionOf(f: TextField): { start: number; end: number } {
  const a = of(f);
  const start = a.start(f);
  const end = a.end(f);
  const length = valueOf(f).length;
  return start === null || end === null ? { start: length, end: length } : { start, end };
}

/** Sets the selection where the type has one (others throw on setSelectionRange). */
export function select(f: TextField, start: number, end = start, direction: 'forward' | 'backward' | 'none' = 'none'): void {
  if (of(f).start(f) !== null) of(f).setRange.call(f, start, end, direction);
}

/**
 * Replaces [start, end) with `text`, as an editor's command `inputType` would: nothing happens in a
 * read-only field, past `maxlength`, or when `beforeinput` is cancelled. True when the value changed.
 */
export function replaceRange(f: TextField, start: number, end: number, text: string, inputType: string, changes: ChangeTracker): boolean {
  const a = of(f);
  if (a.readOnly(f)) return false;
  const value = valueOf(f);
  const room = a.maxLength(f) < 0 ? Infinity : a.maxLength(f) - (value.length - (end - start));
  const typed = [...text].slice(0, Math.max(0, room)).join('');
  if (typed.length === 0 && start === end) return false;
  const data = inputType.startsWith('insert') ? typed : null;
  if (!fireInput(f, 'beforeinput', inputType, data)) return false;
  changes.editing(f, value);
  setValue(f, value.slice(0, start) + typed + value.slice(end));
  select(f, start + typed.length);
  fireInput(f, 'input', inputType, data);
  return true;
}

function fireInput(f: TextField, type: 'beforeinput' | 'input', inputType: string, data: string | null): boolean {
  const view = defaultView(ownerDocument(f)!)!;
  const init = { bubbles: true, cancelable: type === 'beforeinput', composed: true, inputType, data, view };
  return dispatch(f, new view.InputEvent(type, init));
}

/** Fires `change` on an element (bubbling, as the browser's). */
export function fireChange(el: Element): void {
  const view = defaultView(ownerDocument(el)!)!;
  dispatch(el, new view.Event('change', { bubbles: true }));
}

/**
 * The browser fires `change` when a person leaves a field whose value they edited, or hits Enter in
 * it; it does not for a script's writes, which ours are to the browser. So this remembers the value
 * each field had before the agent's first edit, and fires `change` on blur (or `commit`) when the
 * value differs.
 */
export class ChangeTracker {
  readonly #before = new WeakMap<TextField, { value: string; onBlur: (e: Event) => void }>();

  /** The agent is about to edit `f`, whose value is now `value`. */
  editing(f: TextField, value: string): void {
    if (this.#before.has(f)) return;
    const onBlur = () => this.commit(f);
    this.#before.set(f, { value, onBlur });
    addListener(f, 'blur', onBlur, false);
  }

  /** Fires `change` when the value differs from the one before the edits (Enter, or the field left). */
  commit(f: TextField): void {
    const entry = this.#before.get(f);
    if (!entry) return;
    this.#before.delete(f);
    removeListener(f, 'blur', entry.onBlur, false);
    if (valueOf(f) !== entry.value) fireChange(f);
  }
}

const direction = getter<TextField, string>(HTMLInputElement.prototype, 'selectionDirection');
const taDirection = getter<TextField, string>(HTMLTextAreaElement.prototype, 'selectionDirection');

/**
 * Arrows, Home and End in a field: the caret moves (Shift extends the selection from its anchor).
 * In a textarea Home/End and Up/Down work on lines split at line feeds — not on soft-wrapped lines,
 * whose breaks only layout knows; in a one-line input Up/Home go to the start, Down/End to the end.
 */
export function moveCaret(f: TextField, key: string, shift: boolean): void {
  const { start, end } = selectionOf(f);
  const backward = (isHtml(f, 'textarea') ? taDirection : direction)(f) === 'backward';
  const anchor = backward ? end : start;
  const focus = backward ? start : end;
  const collapsing = !shift && start !== end && (key === 'ArrowLeft' || key === 'ArrowRight');
  const to = collapsing ? (key === 'ArrowLeft' ? start : end) : caretTarget(valueOf(f), focus, key, isHtml(f, 'textarea'));
  if (!shift) select(f, to);
  else select(f, Math.min(anchor, to), Math.max(anchor, to), to < anchor ? 'backward' : 'forward');
}

function caretTarget(v: string, at: number, key: string, multiline: boolean): number {
  const lineStart = (i: number) => (multiline ? v.lastIndexOf('\n', i - 1) + 1 : 0);
  const lineEnd = (i: number) => (multiline && v.indexOf('\n', i) >= 0 ? v.indexOf('\n', i) : v.length);
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, at - (isLowSurrogate(v, at - 1) ? 2 : 1));
    case 'ArrowRight':
      return Math.min(v.length, at + (isLowSurrogate(v, at + 1) ? 2 : 1));
    case 'Home':
      return lineStart(at);
    case 'End':
      return lineEnd(at);
    case 'ArrowUp':
      return multiline && lineStart(at) > 0 ? columnIn(lineStart(lineStart(at) - 1), at - lineStart(at), lineEnd) : 0;
    default: // ArrowDown
      return multiline && lineEnd(at) < v.length ? columnIn(lineEnd(at) + 1, at - lineStart(at), lineEnd) : v.length;
  }
}

/** The offset `column` characters into the line starting at `start` (its end when shorter). */
function columnIn(start: number, column: number, lineEnd: (i: number) => number): number {
  return Math.min(start + column, lineEnd(start));
}

const isLowSurrogate = (v: string, i: number): boolean => i >= 0 && i < v.length && /[\uDC00-\uDFFF]/.test(v[i]!);

/** The range Backspace (backward) or Delete removes: the selection, else one character beside the caret. */
export function deletionRange(f: TextField, backward: boolean): { start: number; end: number } {
  const { start, end } = selectionOf(f);
  if (start !== end) return { start, end };
  const v = valueOf(f);
  return backward ? { start: caretTarget(v, start, 'ArrowLeft', false), end } : { start, end: caretTarget(v, start, 'ArrowRight', false) };
}
