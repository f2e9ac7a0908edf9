// The guardrails of remote control, decided on the customer's page from the page's own DOM, never from
// anything the viewer claims: the agent's side only names a point, a key or a capture id. The same
// masking rules as the capture (MaskPolicy) say what is private, so what the agent cannot see it
// cannot touch either.
import { ELEMENT_NODE, getAttribute, getter, isConnected, isHtml, nodeType, ownerDocument } from '../dom/safe-dom.js';
import { MaskPolicy, type MaskOptions } from '../capture/mask.js';
import { refuse, type Refusal } from './actions.js';
import {
  defaultButton,
  formOf,
  implicitSubmissionAllowed,
  isDisabledSubmitter,
  isSubmitter,
  submissionMethod,
  submissionURL,
  submitsImplicitly,
  typeOfInput,
} from './forms.js';
import { closestComposed, closestSelector, composedParent, isContentEditable } from './tree.js';

/** Marks an element (and everything inside it) as off limits to the agent's input. */
export const READONLY_ATTR = 'data-cobrowse-readonly';

export interface ControlGuardOptions {
  /** The capture's masking options: masked and blocked elements, and sensitive fields, are refused. */
  mask?: MaskOptions;
  /** CSS selectors of elements the agent may see but not change (as `data-cobrowse-readonly`). */
  readonly?: string | readonly string[];
  /** CSS selectors of `contenteditable` areas the agent may edit; every other one is refused. */
  editable?: string | readonly string[];
  /** Origins the agent's clicks may navigate to (default: the page's own origin). */
  allowedOrigins?: readonly string[];
  /** Whether submitting a form needs the customer's confirmation (default true). */
  confirmSubmit?: boolean;
}

/** A decision: refused, allowed once the customer confirms a submission, or allowed (null). */
export type Verdict = Refusal | 'confirm-submit' | null;

const labelControl = getter<HTMLLabelElement, HTMLElement | null>(HTMLLabelElement.prototype, 'control');
const baseURI = getter<Node, string>(Node.prototype, 'baseURI');
const docURL = getter<Document, string>(Document.prototype, 'URL');

function selectorOf(attr: string | null, option: string | readonly string[] | undefined): string | null {
  const list = [...(attr ? [`[${attr}]`] : []), ...(option === undefined ? [] : typeof option === 'string' ? [option] : option)];
  return list.length ? list.join(',') : null;
}

export class ControlGuard {
  readonly #doc: Document;
  readonly #policy: MaskPolicy;
  readonly #readonly: string;
  readonly #editable: string | null;
  readonly #origins: ReadonlySet<string>;
  readonly #confirm: boolean;

  constructor(doc: Document, options: ControlGuardOptions = {}) {
    this.#doc = doc;
    this.#policy = new MaskPolicy(options.mask);
    this.#readonly = selectorOf(READONLY_ATTR, options.readonly)!;
    this.#editable = selectorOf(null, options.editable);
    this.#origins = new Set(options.allowedOrigins ?? [new URL(docURL(doc)).origin]);
    this.#confirm = options.confirmSubmit ?? true;
    for (const s of [this.#readonly, this.#editable ?? '*']) {
      try {
        new DocumentFragment().querySelector(s); // fail at start, with the selector named
      } catch {
        throw new SyntaxError(`cobrowse-rtc: invalid control selector: ${s}`);
      }
    }
  }

  /** Refuses targets that are not part of the shared page: another document, detached, or our own UI. */
  checkTarget(el: Element): Refusal | null {
    if (ownerDocument(el) !== this.#doc || !isConnected(el)) return refuse('outside', 'not in the shared document');
    if (closestComposed(el, (e) => this.#policy.isIgnored(e))) return refuse('outside', 'not part of the shared page');
    return null;
  }

  /** Refuses pointer input into what the agent cannot see: masked, blocked, sensitive. */
  checkPointer(el: Element): Refusal | null {
    return this.checkTarget(el) ?? this.#checkPrivate(el);
  }

  /** Refuses changing an element: private, read-only, a file input, an editable area not allowed. */
  checkInput(el: Element): Refusal | null {
    return this.checkPointer(el) ?? this.#checkReadonly(el) ?? this.#checkFile(el) ?? this.#checkEditable(el);
  }

  /**
   * A click's (or an activation key's) effects: the target's own checks, a label's control, a link's
   * navigation and a submit button's submission. `submitConfirmed` once the customer said yes.
   */
  checkActivation(el: Element, submitConfirmed = false): Verdict {
    const label = closestComposed(el, (e) => isHtml(e, 'label'));
    const control = label && labelControl(label as HTMLLabelElement);
    return (
      this.checkInput(el) ??
      (control ? this.checkInput(control) : null) ??
      this.#checkLink(el) ??
      this.#checkSubmitter(closestComposed(el, isSubmitter) as HTMLButtonElement | HTMLInputElement | null, submitConfirmed)
    );
  }

  /** Enter in a field: the implicit submission of its form, as the default button would do it. */
  checkImplicitSubmit(field: Element, submitConfirmed = false): Verdict {
    const form = submitsImplicitly(field) ? formOf(field) : null;
    if (!form) return null;
    const button = defaultButton(form);
    if (button) return this.checkActivation(button, submitConfirmed);
    return implicitSubmissionAllowed(form) ? this.#checkSubmission(form, null, submitConfirmed) : null;
  }

  /** Scrolling changes nothing but the view: refused only outside the page and in blocked elements. */
  checkScroll(el: Element): Refusal | null {
    const blocked = () => (closestComposed(el, (e) => this.#policy.isBlocked(e)) ? refuse('private', 'blocked element') : null);
    return this.checkTarget(el) ?? blocked();
  }

  #checkPrivate(el: Element): Refusal | null {
    for (let n: Node | null = el; n; n = composedParent(n)) {
      if (nodeType(n) !== ELEMENT_NODE) continue;
      const e = n as Element;
      if (this.#policy.isBlocked(e)) return refuse('private', 'blocked element');
      if (this.#policy.isSensitiveField(e)) return refuse('private', 'sensitive field');
    }
    const masked = this.#policy.isTextMaskedAt(el);
    if (masked) return refuse('private', 'masked element');
    if (isField(el) && this.#policy.isValueMasked(el, false)) return refuse('private', 'masked field');
    return null;
  }

  #checkReadonly(el: Element): Refusal | null {
    return closestSelector(el, this.#readonly) ? refuse('readonly') : null;
  }

  #checkFile(el: Element): Refusal | null {
    return isHtml(el, 'input') && typeOfInput(el as HTMLInputElement) === 'file' ? refuse('file') : null;
  }

  #checkEditable(el: Element): Refusal | null {
    if (!isContentEditable(el)) return null;
    return this.#editable && closestSelector(el, this.#editable) ? null : refuse('editable');
  }

  #checkLink(el: Element): Refusal | null {
    const link = closestComposed(el, (e) => (isHtml(e, 'a') || isHtml(e, 'area')) && getAttribute(e, 'href') !== null);
    return link ? this.#checkURL(getAttribute(link, 'href')!, baseURI(link)) : null;
  }

  #checkSubmitter(button: HTMLButtonElement | HTMLInputElement | null, confirmed: boolean): Verdict {
    const form = button && !isDisabledSubmitter(button) ? formOf(button) : null;
    return form ? this.#checkSubmission(form, button, confirmed) : null;
  }

  #checkSubmission(form: HTMLFormElement, submitter: HTMLButtonElement | HTMLInputElement | null, confirmed: boolean): Verdict {
    if (submissionMethod(form, submitter) === 'dialog') return null; // closes a dialog, goes nowhere
    return this.#checkURL(submissionURL(form, submitter), docURL(this.#doc)) ?? (this.#confirm && !confirmed ? 'confirm-submit' : null);
  }

  /** A navigation target: never `javascript:`, and only to the allowed origins. */
  #checkURL(href: string, base: string): Refusal | null {
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      return refuse('navigation', 'invalid URL');
    }
    if (url.protocol === 'javascript:') return refuse('navigation', 'javascript: URL');
    return this.#origins.has(url.origin) ? null : refuse('navigation', `to ${url.origin}`);
  }
}

function isField(el: Element): boolean {
  return isHtml(el, 'input') || isHtml(el, 'textarea') || isHtml(el, 'select');
}
