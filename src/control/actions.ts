// What the agent's side asks the customer's page to do while it holds control, already parsed (the
// session validates the JSON), and the answers the page gives when it will not. Coordinates are the
// customer's viewport CSS pixels: the mirror shows the page at its own size, so the viewer converts.

/** The pointer moved (hover effects follow it). */
export interface MoveAction {
  a: 'move';
  x: number;
  y: number;
}

/**
 * A primary-button click at a point. `id` is the capture id of the element the agent saw under its
 * pointer in the mirror (0 if none): the page checks it is still what lies there.
 */
export interface ClickAction {
  a: 'click';
  x: number;
  y: number;
  id: number;
}

/** The keys the agent may press: these named ones, or one printable character. */
export type NamedKey =
  'Backspace' | 'Delete' | 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'Tab' | 'Enter' | 'Escape';

/** One key press (down and up) with its modifiers; `key` is a KeyboardEvent.key value. */
export interface KeyAction {
  a: 'key';
  key: string;
  shift: boolean;
  ctrl: boolean;
  alt: boolean;
  meta: boolean;
}

/** Scroll an element (by capture id; 0 = the document) to an absolute position in CSS pixels. */
export interface ScrollAction {
  a: 'scroll';
  id: number;
  x: number;
  y: number;
}

/** Choose option `index` of the `<select>` with that capture id. */
export interface SelectAction {
  a: 'select';
  id: number;
  index: number;
}

export type ControlAction = MoveAction | ClickAction | KeyAction | ScrollAction | SelectAction;

/** Why the customer's page did not do what the agent asked. */
export type RefusalReason =
  'private' | 'readonly' | 'file' | 'editable' | 'navigation' | 'outside' | 'changed' | 'not-focused' | 'submit-declined';

/** A refused action: the reason, and for the log a short note of what was refused (never a value). */
export interface Refusal {
  reason: RefusalReason;
  detail?: string;
}

/** What the agent is told for each reason, in plain words. */
export const REFUSAL_TEXT: Readonly<Record<RefusalReason, string>> = {
  private: 'This field is private to the customer.',
  readonly: 'This part of the page is read-only for you.',
  file: 'Only the customer can choose files to upload.',
  editable: 'This editable area is not open to remote control.',
  navigation: 'This link leads outside the pages you may open.',
  outside: 'That is outside the shared page.',
  changed: 'The page changed under your pointer; look again and retry.',
  'not-focused': 'Nothing is focused on the page: click a field first.',
  'submit-declined': 'The customer declined to submit the form.',
};

/** What the agent is told for a refusal the session reports (any reason, also the session's own). */
export function refusalText(reason: string): string {
  if (reason === 'confirm-submit') return 'The customer is asked to confirm the submit.';
  if (reason === 'not-controlling') return 'You do not control the page now.';
  return (REFUSAL_TEXT as Record<string, string | undefined>)[reason] ?? 'The customer’s page refused that.';
}

/** The named keys a key action may carry (anything else must be a single printable character). */
export const NAMED_KEYS: ReadonlySet<string> = new Set<NamedKey>([
  'Backspace',
  'Delete',
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'Tab',
  'Enter',
  'Escape',
]);

/** One printable character (one code point, not a control character): what a key may type. */
export function isPrintable(key: string): boolean {
  return [...key].length === 1 && !/\p{Cc}/u.test(key);
}

/** A refusal (so callers need no literal objects). */
export const refuse = (reason: RefusalReason, detail?: string): Refusal => (detail === undefined ? { reason } : { reason, detail });
