/**
 * `<cobrowse-consent>`: asks the customer before anything is shared. A modal dialog (the page
 * behind it is inert), labelled by its title, described by what the agent will and will not see;
 * focus stays inside it; Escape answers Deny.
 *
 * Given a session, it is the customer's approval of each viewer (SharingOptions.approve `'prompt'`
 * or `'code'`): it opens when a viewer has finished its handshake, names it and shows its code
 * ("Alice wants to see this page — their code 123 456"), or in `'code'` mode asks for the code the
 * agent reads out; the answer goes to `session.approve` / `session.deny`. One click for the first
 * agent: the site starts the session (nothing is captured yet) and the dialog comes when the agent
 * is there.
 *
 *   consent.session = await startSharing({ signaling, viewerName });   // or showConsent(session)
 *
 * Without a session it only asks (`await consent.ask()`), and the site decides what follows.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { formatCode, MAX_CODE_TRIES } from '../../session/approval.js';
import type { SharingSession } from '../../session/sharing.js';
import type { ApprovalRequest } from '../../session/types.js';
import { SessionElement } from './session-element.js';
import { define, theme } from './shared.js';

/** Who the question is about, when known: shown in the title and the code line. */
export interface ConsentViewer {
  name?: string | null;
  sas?: string | null;
}

/**
 * The customer's consent before anything is shared: "Alice wants to see this page", their code,
 * what stays hidden, Allow / Deny. Focus is trapped inside; Escape denies; focus starts on Deny
 * (on the code field when the customer must type the agent's code).
 *
 * @tagname cobrowse-consent
 * @attr open - shown
 * @attr lang - language of the strings (`en`, `ja`)
 * @fires cobrowse-allow - the customer allowed sharing (detail: the viewer's request, or null)
 * @fires cobrowse-deny - the customer denied (button, Escape, or removed unanswered)
 * @csspart dialog - the dialog box
 * @csspart title - its title
 * @csspart body - the explanation
 * @csspart code-line - the viewer's code ('prompt') or the request to type it ('code')
 * @csspart code - the viewer's code
 * @csspart code-input - the field for the agent's code ('code' mode)
 * @csspart code-error - "That is not their code"
 * @csspart hidden - what stays hidden
 * @csspart actions - the buttons' row
 * @csspart button - both buttons
 * @csspart allow - Allow
 * @csspart deny - Deny
 * @cssprop --cobrowse-accent - Allow button
 * @cssprop --cobrowse-backdrop - the page behind the dialog
 * @cssprop --cobrowse-z-index - stacking
 */
export class CobrowseConsent extends SessionElement {
  static override properties = {
    /** Shows the dialog; set by `ask()` or a viewer's request, cleared by the answer. */
    open: { type: Boolean, reflect: true },
    session: { attribute: false },
    viewer: { state: true },
    request: { state: true },
    triesLeft: { state: true },
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
      [part~='code'] {
        font-weight: 700;
        font-variant-numeric: tabular-nums;
        letter-spacing: 0.08em;
        white-space: nowrap;
      }
      [part~='code-input'] {
        font: inherit;
        font-size: 1.3em;
        letter-spacing: 0.2em;
        width: 8ch;
        padding: 0.2em 0.4em;
      }
      [part~='code-error'] {
        color: var(--cobrowse-danger, #c62828);
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
  /** Who the current question is about (from `ask(viewer)` or the session's request). */
  declare private viewer: ConsentViewer | null;
  /** The session's request being asked now. */
  declare private request: ApprovalRequest | null;
  /** After a wrong code: tries left; else null. */
  declare private triesLeft: number | null;
  #pending: ((allowed: boolean) => void)[] = [];
  /** The session's requests not asked yet (one dialog at a time, in arrival order). */
  #queue: ApprovalRequest[] = [];
  /** Where focus was before the dialog took it: it goes back there after the answer. */
  #returnFocus: Element | null = null;

  constructor() {
    super();
    this.open = false;
    this.session = null;
    this.viewer = null;
    this.request = null;
    this.triesLeft = null;
  }

  /**
   * Opens the dialog; resolves true on Allow, false on Deny or Escape (or if removed unanswered).
   * `viewer`: the name and code to show, when known.
   */
  ask(viewer: ConsentViewer | null = null): Promise<boolean> {
    this.viewer = viewer;
    this.open = true;
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // an unanswered question is a no: never leave a caller waiting to share
    if (this.open) this.#answer(false);
  }

  /** Asks about each of the session's viewers as it arrives (and those already waiting). */
  protected override listen(s: SharingSession): (() => void)[] {
    const stop = [
      s.on('approval', (request) => this.#enqueue(request)),
      s.on('approvalended', ({ id }) => this.#settled(id)),
      s.on('state', ({ state }) => {
        if (state === 'ended') this.#settled(null);
      }),
    ];
    for (const request of s.pendingList) this.#enqueue(request);
    return stop;
  }

  protected override forget(): void {
    this.#queue = [];
  }

  #enqueue(request: ApprovalRequest): void {
    if (this.request?.id === request.id || this.#queue.some((r) => r.id === request.id)) return;
    this.#queue.push(request);
    this.#next();
  }

  /** The next waiting request, when no question is open. */
  #next(): void {
    if (this.open) return;
    const request = this.#queue.shift();
    if (!request) return;
    this.request = request;
    this.triesLeft = null;
    void this.ask({ name: request.name, sas: request.sas });
  }

  /** A request is over without this dialog (answered elsewhere, timed out, the viewer left); null: all. */
  #settled(id: string | null): void {
    this.#queue = id === null ? [] : this.#queue.filter((r) => r.id !== id);
    if (this.request && (id === null || this.request.id === id)) {
      this.request = null;
      this.#close();
      for (const resolve of this.#pending.splice(0)) resolve(false);
    }
    this.#next();
  }

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  get #codeInput(): HTMLInputElement | null {
    return this.renderRoot.querySelector('[part~="code-input"]');
  }

  #focusables(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('input, button')];
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    const dialog = this.#dialog;
    if (!dialog) return;
    if (this.open && !dialog.open && this.isConnected) {
      this.#returnFocus = deepActiveElement(this.ownerDocument);
      dialog.showModal();
      // Deny first: a stray Enter must not share the page (a code field: Enter checks the code)
      (this.#codeInput ?? this.renderRoot.querySelector<HTMLButtonElement>('[part~="deny"]'))!.focus();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  /** Allow pressed: for a session's request, approve (with the typed code in 'code' mode). */
  #allow(): void {
    const request = this.request;
    const session = this.session;
    if (!request || !session) return this.#answer(true);
    const typed = request.mode === 'code' ? (this.#codeInput?.value ?? '') : undefined;
    // this dialog's own answer: the `approvalended` it causes is not a question settled elsewhere
    this.request = null;
    if (session.approve(request.id, typed)) return this.#answer(true, request);
    if (!session.pendingList.some((r) => r.id === request.id)) return this.#answer(false, request); // the last try
    this.request = request;
    this.triesLeft = (this.triesLeft ?? MAX_CODE_TRIES) - 1;
    const input = this.#codeInput;
    if (input) {
      input.value = '';
      input.focus();
    }
  }

  #deny(): void {
    this.#answer(false);
  }

  #close(): void {
    if (!this.open) return;
    this.open = false;
    this.#dialog?.close();
    (this.#returnFocus as HTMLElement | null)?.focus?.();
    this.#returnFocus = null;
  }

  #answer(allowed: boolean, request = this.request): void {
    if (!this.open) return;
    // cleared first: the `approvalended` that deny() causes must not count as settled elsewhere
    this.request = null;
    if (!allowed && request && this.session) this.session.deny(request.id);
    this.#close();
    for (const resolve of this.#pending.splice(0)) resolve(allowed);
    this.fire(allowed ? 'cobrowse-allow' : 'cobrowse-deny', request);
    this.#next();
  }

  #onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.#deny();
      return;
    }
    if (e.key === 'Enter' && e.target === this.#codeInput) {
      e.preventDefault();
      this.#allow();
      return;
    }
    // WebKitGTK reports Shift+Tab as key 'Unidentified', code 'Tab'
    if (e.key !== 'Tab' && e.code !== 'Tab') return;
    // the modal dialog makes the page inert, but Tab may still leave for the browser's own UI: wrap
    const items = this.#focusables();
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null;
    if (e.shiftKey ? active === first || !items.includes(active as HTMLElement) : active === last) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  }

  #codeLine() {
    const viewer = this.viewer;
    if (this.request?.mode === 'code') {
      return html`<p id="code-line" part="code-line">
          <label for="code">${this.t('consentCodeEntry')}</label>
        </p>
        <p>
          <input id="code" part="code-input" inputmode="numeric" autocomplete="off" maxlength="7" aria-label=${this.t('codeInput')} />
          ${
            this.triesLeft !== null
              ? html`<span part="code-error" role="alert">${this.t('codeWrong', { tries: this.triesLeft })}</span>`
              : nothing
          }
        </p>`;
    }
    if (!viewer?.sas) return nothing;
    const [before, after] = this.t('consentCode', { code: '\u0000' }).split('\u0000');
    return html`<p id="code-line" part="code-line">${before}<span part="code">${formatCode(viewer.sas)}</span>${after}</p>`;
  }

  protected override render(): TemplateResult {
    const name = this.viewer?.name;
    const described = this.viewer?.sas || this.request?.mode === 'code' ? 'body code-line hidden' : 'body hidden';
    return html`<dialog
      part="dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="title"
      aria-describedby=${described}
      @keydown=${this.#onKeydown}
      @cancel=${(e: Event) => {
        e.preventDefault();
        this.#deny();
      }}
      @close=${() => {
        // closed some other way (a second Escape may skip \`cancel\`); a stale event after a new
        // ask() finds the dialog open again and is not an answer
        if (!this.#dialog?.open && this.open) this.#deny();
      }}
    >
      <h2 id="title" part="title">${name ? this.t('consentTitleNamed', { name }) : this.t('consentTitle')}</h2>
      <p id="body" part="body">${this.t('consentBody')}</p>
      ${this.#codeLine()}
      <p id="hidden" part="hidden">${this.t('consentHidden')}</p>
      <div part="actions">
        <button type="button" part="button deny" @click=${() => this.#deny()}>${this.t('deny')}</button>
        <button type="button" class="primary" part="button allow" @click=${() => this.#allow()}>${this.t('allow')}</button>
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
 * after the answer. `lang` picks the language (default: the page's); `viewer` names who asks.
 */
export function requestConsent(options: { parent?: Element; lang?: string; viewer?: ConsentViewer } = {}): Promise<boolean> {
  const el = new CobrowseConsent();
  if (options.lang) el.lang = options.lang;
  (options.parent ?? document.body).append(el);
  return el.ask(options.viewer ?? null).finally(() => el.remove());
}

/**
 * The approval UI for a session (`approve: 'prompt'` or `'code'`): a `<cobrowse-consent>` that asks
 * about each viewer as it arrives. It goes into `parent` (default: the body) at the first request —
 * a page with nothing to ask has no dialog in it — and is removed when the session ends.
 */
export function showConsent(session: SharingSession, options: { parent?: Element; lang?: string } = {}): CobrowseConsent {
  const el = new CobrowseConsent();
  if (options.lang) el.lang = options.lang;
  el.session = session;
  const place = () => {
    if (!el.isConnected && session.state !== 'ended') (options.parent ?? document.body).append(el);
  };
  const offApproval = session.on('approval', place);
  if (session.pendingList.length) place();
  const offState = session.on('state', ({ state }) => {
    if (state !== 'ended') return;
    offApproval();
    offState();
    // after the current task's answer: the dialog's own Deny may be what ended the session
    queueMicrotask(() => el.remove());
  });
  return el;
}

define('cobrowse-consent', CobrowseConsent);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-consent': CobrowseConsent;
  }
}
