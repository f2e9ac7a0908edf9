// One key of the agent's keyboard on the customer's page: keydown (and keypress for characters and
// Enter) to the focused element, then what the key does there, then keyup — as a keyboard's key
// would. A cancelled keydown or keypress cancels the key's effect, as it does for a person: pages
// that handle keys themselves (editors, focus traps, shortcuts) keep working. `planKey` says what a
// key would do and which checks the guard must pass first; `pressKey` does it.
import { defaultView, hasAttribute, isHtml, ownerDocument } from '../dom/safe-dom.js';
import { isPrintable, type KeyAction } from './actions.js';
import { isSubmitter, submitsImplicitly, typeOfInput } from './forms.js';
import { isRadio, isSelect, optionForKey, pickOption, radioForKey } from './choices.js';
import {
  deletionRange,
  isTextField,
  moveCaret,
  replaceRange,
  select,
  selectionOf,
  valueOf,
  type ChangeTracker,
  type TextField,
} from './text-edit.js';
import { dispatch, isContentEditable } from './tree.js';

/** What the guard checks before a key acts: the element's input, a click's effects, or Enter's submission. */
export type KeyCheck = { kind: 'input' | 'activation' | 'submit'; el: Element };

export interface KeyPlan {
  checks: KeyCheck[];
  /** The key's effect, run between keydown/keypress and keyup (or after keyup: Space activates on release). */
  run: () => void;
  onKeyUp?: boolean;
}

/** What the editing keys need from the replay: its change tracker and how to submit and activate. */
export interface KeyContext {
  changes: ChangeTracker;
  activate(el: Element): void;
  submit(field: HTMLInputElement): void;
  execCommand(command: string, value?: string): void;
}

const nothing = (): void => {};
const ARROWS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);
const CARET_KEYS = new Set([...ARROWS, 'Home', 'End']);
/** Elements whose activation Enter triggers (Space too, but on release). */
const BUTTON_TYPES = new Set(['submit', 'reset', 'button', 'image']);

/** What `k` does on the focused element `el` (not Tab, which the replay handles across the page). */
export function planKey(el: Element, k: KeyAction, cx: KeyContext): KeyPlan {
  const input = [{ kind: 'input', el }] as KeyCheck[];
  if (k.ctrl || k.meta) return { checks: input, run: k.key.toLowerCase() === 'a' && isTextField(el) ? () => selectAll(el) : nothing };
  if (isTextField(el)) return planText(el, k, cx);
  if (isSelect(el)) return planSelect(el, k);
  if (isRadio(el) && ARROWS.has(k.key)) return planRadio(el, k, cx);
  if (k.key === ' ' && isSpaceActivated(el)) return { checks: [{ kind: 'activation', el }], run: () => cx.activate(el), onKeyUp: true };
  if (k.key === 'Enter' && isEnterActivated(el)) return { checks: [{ kind: 'activation', el }], run: () => cx.activate(el) };
  if (isContentEditable(el)) return { checks: input, run: () => editHost(k, cx) };
  return { checks: input, run: nothing };
}

function planText(f: TextField, k: KeyAction, cx: KeyContext): KeyPlan {
  const checks = [{ kind: 'input', el: f }] as KeyCheck[];
  if (isPrintable(k.key)) return { checks, run: () => typeText(f, k.key, 'insertText', cx) };
  if (k.key === 'Backspace' || k.key === 'Delete') return { checks, run: () => deleteText(f, k.key === 'Backspace', cx) };
  if (CARET_KEYS.has(k.key)) return { checks, run: () => moveCaret(f, k.key, k.shift) };
  if (k.key !== 'Enter') return { checks, run: nothing };
  if (isHtml(f, 'textarea')) return { checks, run: () => typeText(f, '\n', 'insertLineBreak', cx) };
  // a change event comes first, then the form's implicit submission (when it has one)
  const submit = () => (cx.changes.commit(f), submitsImplicitly(f) && cx.submit(f));
  return { checks: [...checks, { kind: 'submit', el: f }], run: submit };
}

function planSelect(s: HTMLSelectElement, k: KeyAction): KeyPlan {
  const choice = () => optionForKey(s, k.key);
  const picks = CARET_KEYS.has(k.key) || isPrintable(k.key);
  return { checks: [{ kind: 'input', el: s }], run: picks ? () => void pickOption(s, choice()) : nothing };
}

/** An arrow moves the check to the next radio of the group, which is focused and clicked. */
function planRadio(radio: HTMLInputElement, k: KeyAction, cx: KeyContext): KeyPlan {
  const to = radioForKey(radio, k.key);
  const checks = [{ kind: 'input', el: radio }, ...(to ? [{ kind: 'activation', el: to }] : [])] as KeyCheck[];
  return { checks, run: () => to && cx.activate(to) };
}

function typeText(f: TextField, text: string, inputType: string, cx: KeyContext): void {
  const { start, end } = selectionOf(f);
  replaceRange(f, start, end, text, inputType, cx.changes);
}

function deleteText(f: TextField, backward: boolean, cx: KeyContext): void {
  const { start, end } = deletionRange(f, backward);
  if (start !== end) replaceRange(f, start, end, '', backward ? 'deleteContentBackward' : 'deleteContentForward', cx.changes);
}

function selectAll(f: TextField): void {
  select(f, 0, valueOf(f).length);
}

/** Keys in an allowed `contenteditable` area go through the browser's own editing commands. */
function editHost(k: KeyAction, cx: KeyContext): void {
  if (isPrintable(k.key)) cx.execCommand('insertText', k.key);
  else if (k.key === 'Backspace') cx.execCommand('delete');
  else if (k.key === 'Delete') cx.execCommand('forwardDelete');
  else if (k.key === 'Enter') cx.execCommand('insertParagraph');
}

function isSpaceActivated(el: Element): boolean {
  if (isHtml(el, 'button') || isHtml(el, 'summary')) return true;
  return (
    isHtml(el, 'input') &&
    (BUTTON_TYPES.has(typeOfInput(el as HTMLInputElement)) || ['checkbox', 'radio'].includes(typeOfInput(el as HTMLInputElement)))
  );
}

function isEnterActivated(el: Element): boolean {
  if (isHtml(el, 'button') || isHtml(el, 'summary') || isSubmitter(el)) return true;
  if ((isHtml(el, 'a') || isHtml(el, 'area')) && hasAttribute(el, 'href')) return true;
  return isHtml(el, 'input') && BUTTON_TYPES.has(typeOfInput(el as HTMLInputElement));
}

/**
 * Sends the key's events around its effect: keydown, keypress (characters), the effect,
 * keyup. `target` gets keydown; keyup goes to whatever has focus by then (Tab moves it).
 */
export function pressKey(target: Element, k: KeyAction, effect: () => void, focused: () => Element, onKeyUp = false): void {
  let go = fireKey(target, 'keydown', k);
  // no keypress for Enter: WebKit submits a form on an untrusted Enter keypress by itself, which
  // would submit without the customer's confirmation (and twice with ours); characters only
  if (go && !k.ctrl && !k.meta && isPrintable(k.key)) go = fireKey(target, 'keypress', k);
  if (go && !onKeyUp) effect();
  fireKey(focused(), 'keyup', k);
  if (go && onKeyUp) effect();
}

const KEY_CODES: Record<string, number> = {
  Backspace: 8,
  Tab: 9,
  Enter: 13,
  Escape: 27,
  ' ': 32,
  End: 35,
  Home: 36,
  ArrowLeft: 37,
  ArrowUp: 38,
  ArrowRight: 39,
  ArrowDown: 40,
  Delete: 46,
};

/** The physical key's `code` for a US layout where it is known (pages matching on `code` expect one). */
function codeOf(key: string): string {
  if (/^[a-z]$/i.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  if (key === ' ') return 'Space';
  return KEY_CODES[key] !== undefined ? key : '';
}

/** The legacy `keyCode` (and `which`) old pages still read: Enter is 13, letters their capital. */
function keyCodeOf(key: string): number {
  return KEY_CODES[key] ?? (/^[a-z0-9]$/i.test(key) ? key.toUpperCase().charCodeAt(0) : 0);
}

function fireKey(target: Element, type: 'keydown' | 'keypress' | 'keyup', k: KeyAction): boolean {
  const view = defaultView(ownerDocument(target)!)!;
  const char = type === 'keypress' ? (k.key === 'Enter' ? 13 : k.key.codePointAt(0)!) : 0;
  const code = type === 'keypress' ? char : keyCodeOf(k.key);
  const init: KeyboardEventInit = {
    key: k.key,
    code: codeOf(k.key),
    shiftKey: k.shift,
    ctrlKey: k.ctrl,
    altKey: k.alt,
    metaKey: k.meta,
    bubbles: true,
    cancelable: true,
    composed: true,
    view,
    keyCode: code,
    which: code,
    charCode: char,
  };
  return dispatch(target, new view.KeyboardEvent(type, init));
}
