// Form facts the guard and the replay both need: which element submits, which form it submits, and
// where to. Read through the platform's getters: a form field named `action` or `method` shadows
// `form.action` / `form.method` on the page's own form ([LegacyOverrideBuiltIns]).
import { getAttribute, getter, hasAttribute, isHtml, rootNode } from '../dom/safe-dom.js';

const btnType = getter<HTMLButtonElement, string>(HTMLButtonElement.prototype, 'type');
const inputType = getter<HTMLInputElement, string>(HTMLInputElement.prototype, 'type');
const btnForm = getter<HTMLButtonElement, HTMLFormElement | null>(HTMLButtonElement.prototype, 'form');
const inputForm = getter<HTMLInputElement, HTMLFormElement | null>(HTMLInputElement.prototype, 'form');
const textareaForm = getter<HTMLTextAreaElement, HTMLFormElement | null>(HTMLTextAreaElement.prototype, 'form');
const selectForm = getter<HTMLSelectElement, HTMLFormElement | null>(HTMLSelectElement.prototype, 'form');
const formElements = getter<HTMLFormElement, HTMLFormControlsCollection>(HTMLFormElement.prototype, 'elements');
const formAction = getter<HTMLFormElement, string>(HTMLFormElement.prototype, 'action');
const formMethod = getter<HTMLFormElement, string>(HTMLFormElement.prototype, 'method');
const btnFormAction = getter<HTMLButtonElement, string>(HTMLButtonElement.prototype, 'formAction');
const inputFormAction = getter<HTMLInputElement, string>(HTMLInputElement.prototype, 'formAction');
const btnFormMethod = getter<HTMLButtonElement, string>(HTMLButtonElement.prototype, 'formMethod');
const inputFormMethod = getter<HTMLInputElement, string>(HTMLInputElement.prototype, 'formMethod');
const btnDisabled = getter<HTMLButtonElement, boolean>(HTMLButtonElement.prototype, 'disabled');
const inputDisabled = getter<HTMLInputElement, boolean>(HTMLInputElement.prototype, 'disabled');

/** The input's type as the platform normalises it (`TEXT` → `text`, unknown → `text`). */
export const typeOfInput = (el: HTMLInputElement): string => inputType(el);

/** A submit button: `<button>` of type submit (the default) or `<input type=submit|image>`. */
export function isSubmitter(el: Element): el is HTMLButtonElement | HTMLInputElement {
  if (isHtml(el, 'button')) return btnType(el as HTMLButtonElement) === 'submit';
  if (isHtml(el, 'input')) return ['submit', 'image'].includes(inputType(el as HTMLInputElement));
  return false;
}

/** The form a control belongs to (its `form` attribute counts), or null. */
export function formOf(el: Element): HTMLFormElement | null {
  if (isHtml(el, 'button')) return btnForm(el as HTMLButtonElement);
  if (isHtml(el, 'input')) return inputForm(el as HTMLInputElement);
  if (isHtml(el, 'textarea')) return textareaForm(el as HTMLTextAreaElement);
  if (isHtml(el, 'select')) return selectForm(el as HTMLSelectElement);
  return null;
}

/** Whether a submit button is disabled (a disabled one submits nothing). */
export function isDisabledSubmitter(el: HTMLButtonElement | HTMLInputElement): boolean {
  return isHtml(el, 'button') ? btnDisabled(el as HTMLButtonElement) : inputDisabled(el as HTMLInputElement);
}

/** The form's default button: its first submit button in tree order (what Enter in a field clicks). */
export function defaultButton(form: HTMLFormElement): HTMLButtonElement | HTMLInputElement | null {
  for (const el of formElements(form)) if (isSubmitter(el)) return el;
  return null;
}

/**
 * Text-like inputs whose Enter submits the form implicitly, and which block implicit submission
 * when a form has no submit button and more than one of them (HTML "implicit submission").
 */
const IMPLICIT_TYPES = new Set([
  'text',
  'search',
  'url',
  'tel',
  'email',
  'password',
  'date',
  'month',
  'week',
  'time',
  'datetime-local',
  'number',
]);
export function submitsImplicitly(el: Element): el is HTMLInputElement {
  return isHtml(el, 'input') && IMPLICIT_TYPES.has(inputType(el as HTMLInputElement));
}

/** Whether Enter in a field of a form without a submit button submits it (at most one such field). */
export function implicitSubmissionAllowed(form: HTMLFormElement): boolean {
  let fields = 0;
  for (const el of formElements(form)) if (submitsImplicitly(el)) fields++;
  return fields <= 1;
}

/** Where a submission goes: the submitter's `formaction` when it has one, else the form's action. */
export function submissionURL(form: HTMLFormElement, submitter: HTMLButtonElement | HTMLInputElement | null): string {
  if (submitter && hasAttribute(submitter, 'formaction')) {
    return isHtml(submitter, 'button') ? btnFormAction(submitter as HTMLButtonElement) : inputFormAction(submitter as HTMLInputElement);
  }
  return formAction(form);
}

/** The submission's method; `dialog` closes a dialog and navigates nowhere. */
export function submissionMethod(form: HTMLFormElement, submitter: HTMLButtonElement | HTMLInputElement | null): string {
  if (submitter && hasAttribute(submitter, 'formmethod')) {
    return isHtml(submitter, 'button') ? btnFormMethod(submitter as HTMLButtonElement) : inputFormMethod(submitter as HTMLInputElement);
  }
  return formMethod(form);
}

const checked = getter<HTMLInputElement, boolean>(HTMLInputElement.prototype, 'checked');

export function isRadio(el: Element): el is HTMLInputElement {
  return isHtml(el, 'input') && inputType(el as HTMLInputElement) === 'radio';
}

export const isChecked = (el: Element): boolean => checked(el as HTMLInputElement);

/** Radios of one group: the same non-empty name, the same form owner (or none), the same tree. */
export function sameRadioGroup(a: Element, b: Element): boolean {
  const name = getAttribute(a, 'name');
  return isRadio(a) && isRadio(b) && !!name && name === getAttribute(b, 'name') && formOf(a) === formOf(b) && rootNode(a) === rootNode(b);
}
