/**
 * `<cobrowse-consent>`: asks the customer before anything is shared. A modal dialog (the page
 * behind it is inert), labelled by its title, described by what the agent will and will not see;
 * focus stays inside it; Escape answers Deny. Nothing here starts sharing: the site does, on Allow.
 *
 *   const allowed = await consentElement.ask();      // or listen for cobrowse-allow / cobrowse-deny
 *   if (allowed) startSharing(...);
 */
import { css, html, type PropertyValues } from 'lit';
import { define, SharerElement, theme } from './shared.js';

/**
 * The customer's consent before anything is shared: "An agent wants to see this page", what stays
 * hidden, Allow / Deny. Focus is trapped inside; Escape denies; focus starts on Deny.
 *
 * @tagname cobrowse-consent
 * @attr open - shown
 * @attr lang - language of the strings (`en`, `ja`)
 * @fires cobrowse-allow - the customer allowed sharing
 * @fires cobrowse-deny - the customer denied (button, Escape, or removed unanswered)
 * @csspart dialog - the dialog box
 * @csspart title - its title
 * @csspart body - the explanation
 * @csspart hidden - what stays hidden
 * @csspart actions - the buttons' row
 * @csspart button - both buttons
 * @csspart allow - Allow
 * @csspart deny - Deny
 * @cssprop --cobrowse-accent - Allow button
 * @cssprop --cobrowse-backdrop - the page behind the dialog
 * @cssprop --cobrowse-z-index - stacking
 */
export class CobrowseConsent extends SharerElement {
  static override properties = {
    /** Shows the dialog; set by `ask()`, cleared by the answer. */
    open: { type: Boolean, reflect: true },
  };

  static override styles = [
    theme,
    css`
      dialog {
        max-width: min(26rem, calc(100vw - 2rem));
        padding: 1.25rem 1.5rem;
        border: 0;
        border-radius: var(--cobrowse-radius, 10px);
        background: var(--cobrowse-background, #fff);
        color: inherit;
        box-shadow: 0 10px 40px rgb(0 0 0 / 0.3);
      }
      dialog::backdrop {
        background: var(--cobrowse-backdrop, rgb(0 0 0 / 0.4));
      }
      h2 {
        font-size: 1.15em;
        margin: 0 0 0.5em;
      }
      p {
        margin: 0 0 0.75em;
      }
      [part~='actions'] {
        display: flex;
        gap: 0.5rem;
        justify-content: flex-end;
        margin-top: 1rem;
      }
    `,
  ];

  declare open: boolean;
  private pending: ((allowed: boolean) => void)[] = [];
  /** Where focus was before the dialog took it: it goes back there after the answer. */
  private returnFocus: Element | null = null;

  constructor() {
    super();
    this.open = false;
  }

  /** Opens the dialog; resolves true on Allow, false on Deny or Escape (or if removed unanswered). */
  ask(): Promise<boolean> {
    this.open = true;
    return new Promise((resolve) => this.pending.push(resolve));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // an unanswered question is a no: never leave a caller waiting to share
    if (this.open) this.answer(false);
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll('button')];
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.open && !dialog.open && this.isConnected) {
      this.returnFocus = deepActiveElement(this.ownerDocument);
      dialog.showModal();
      // Deny first: a stray Enter must not share the page
      this.renderRoot.querySelector<HTMLButtonElement>('[part~="deny"]')!.focus();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  private answer(allowed: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.dialog?.close();
    (this.returnFocus as HTMLElement | null)?.focus?.();
    this.returnFocus = null;
    for (const resolve of this.pending.splice(0)) resolve(allowed);
    this.fire(allowed ? 'cobrowse-allow' : 'cobrowse-deny', null);
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.answer(false);
      return;
    }
    if (e.key !== 'Tab') return;
    // the modal dialog makes the page inert, but Tab may still leave for the browser's own UI: wrap
    const buttons = this.buttons();
    const first = buttons[0]!;
    const last = buttons[buttons.length - 1]!;
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null;
    if (e.shiftKey ? active === first || !buttons.includes(active as HTMLButtonElement) : active === last) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  }

  protected override render() {
    return html`<dialog
      part="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="title"
      aria-describedby="body hidden"
      @keydown=${this.onKeydown}
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.answer(false);
      }}
      @close=${() => {
        // closed some other way (a second Escape may skip \`cancel\`); a stale event after a new
        // ask() finds the dialog open again and is not an answer
        if (!this.dialog?.open) this.answer(false);
      }}
    >
      <h2 id="title" part="title">${this.t('consentTitle')}</h2>
      <p id="body" part="body">${this.t('consentBody')}</p>
      <p id="hidden" part="hidden">${this.t('consentHidden')}</p>
      <div part="actions">
        <button type="button" part="button deny" @click=${() => this.answer(false)}>${this.t('deny')}</button>
        <button type="button" class="primary" part="button allow" @click=${() => this.answer(true)}>${this.t('allow')}</button>
      </div>
    </dialog>`;
  }
}

/** The focused element, looking into shadow roots (the chat widget's own button, say). */
function deepActiveElement(doc: Document): Element | null {
  let el = doc.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/**
 * Asks with a `<cobrowse-consent>` of its own, added to `parent` (default: the body) and removed
 * after the answer. `lang` picks the language (default: the page's).
 */
export function requestConsent(options: { parent?: Element; lang?: string } = {}): Promise<boolean> {
  const el = new CobrowseConsent();
  if (options.lang) el.lang = options.lang;
  (options.parent ?? document.body).append(el);
  return el.ask().finally(() => el.remove());
}

define('cobrowse-consent', CobrowseConsent);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-consent': CobrowseConsent;
  }
}
