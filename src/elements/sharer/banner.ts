/**
 * `<cobrowse-sharing-banner>`: while the page is shared, says so — who is viewing (each viewer's
 * six-digit code, to compare with what the agent reads out) — and offers Stop. Give it the session:
 *
 *   banner.session = await startSharing(...);
 *
 * It follows the session's events and disappears when the session ends. Stop fires a cancelable
 * `cobrowse-stop` (detail: the session) and then calls `session.stop()` unless it was cancelled.
 */
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { SharingSession } from '../../session/sharing.js';
import { SessionElement } from './session-element.js';
import { define, theme } from './shared.js';

/**
 * While sharing: who is viewing (each viewer's code) and a Stop button. Hidden without a session.
 *
 * @tagname cobrowse-sharing-banner
 * @attr inline - laid out in place instead of fixed at the top
 * @attr lang - language of the strings (`en`, `ja`)
 * @fires cobrowse-stop - Stop pressed (cancelable; otherwise the session is stopped); detail: the session
 * @csspart banner - the banner
 * @csspart message - "An agent is viewing this page"
 * @csspart viewers - the list of viewers
 * @csspart viewer - one viewer (`data-reconnecting` while it is away)
 * @csspart name - a viewer's name (when the session knows it: `viewerName`)
 * @csspart code - a viewer's 6-digit code
 * @csspart button - the Stop button
 * @csspart stop - the Stop button
 * @csspart pen - Draw (toggles the customer's pen: `aria-pressed`); fires `cobrowse-pen` on the document
 * @csspart clear-ink - Clear drawing (the customer's strokes, on both sides); fires `cobrowse-clear-ink`
 * @csspart control-request - a viewer asks to control the page: who, what it means, Allow / Deny
 * @csspart allow-control - Allow control
 * @csspart deny-control - Deny control
 * @csspart control - who controls the page now, and Take back
 * @csspart take-back - the Take back control button (Escape does the same)
 * @csspart confirm-submit - the agent wants to submit a form: Submit / Cancel
 * @csspart submit - submit the form the agent asked to
 * @csspart decline-submit - do not submit it
 * @csspart frame - the frame around the viewport while a viewer controls the page
 * @cssprop --cobrowse-control-color - the colour of everything that says the agent is in control
 * @cssprop --cobrowse-banner-background - banner background
 * @cssprop --cobrowse-banner-color - banner text
 * @cssprop --cobrowse-banner-border - banner border
 */
export class CobrowseSharingBanner extends SessionElement {
  static override properties = {
    session: { attribute: false },
    /** Laid out where it is (in a chat widget) instead of fixed across the top of the viewport. */
    inline: { type: Boolean, reflect: true },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: block;
        position: fixed;
        top: 0;
        left: 0;
        right: 0;
        z-index: var(--cobrowse-z-index, 2147483646);
      }
      :host([inline]) {
        position: static;
      }
      :host(:not([active])) {
        display: none;
      }
      [part~='banner'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.5rem 1rem;
        background: var(--cobrowse-banner-background, #fff4d6);
        color: var(--cobrowse-banner-color, inherit);
        border-bottom: 2px solid var(--cobrowse-banner-border, #e0a800);
      }
      [part~='message'] {
        font-weight: 600;
      }
      ul {
        display: contents;
        list-style: none;
      }
      [part~='code'] {
        font-variant-numeric: tabular-nums;
        letter-spacing: 0.08em;
        font-weight: 600;
      }
      [part~='viewer'][data-reconnecting] {
        opacity: 0.6;
      }
      [part~='stop'] {
        margin-left: auto;
      }
      [part~='control-request'],
      [part~='confirm-submit'],
      [part~='control'] {
        flex-basis: 100%;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
      [part~='control'] {
        color: var(--cobrowse-control-color, #b71c1c);
        font-weight: 600;
      }
      [part~='take-back'] {
        border-color: var(--cobrowse-control-color, #b71c1c);
        background: var(--cobrowse-control-color, #b71c1c);
        color: #fff;
      }
      /* while someone else controls the page: a frame around the whole viewport that takes no click */
      [part~='frame'] {
        position: fixed;
        inset: 0;
        border: 4px solid var(--cobrowse-control-color, #b71c1c);
        pointer-events: none;
      }
    `,
  ];

  declare inline: boolean;
  /** Viewers whose connection is lost for now (the session's list does not say). */
  readonly #reconnecting = new Set<string>();
  /** The control request the customer is asked about now, if any. */
  #asking: { id: string; name: string | null } | null = null;
  /** The viewer in control asked to submit a form: the customer confirms here. */
  #confirming = false;
  /** The customer's pen is on (`<cobrowse-annotations>` draws). */
  #drawing = false;

  constructor() {
    super();
    this.session = null;
    this.inline = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // `active` only styles the host: shown while a session is on
    this.toggleAttribute('active', !!this.session && this.session.state !== 'ended');
  }

  protected override listen(s: SharingSession): (() => void)[] {
    const update = () => this.requestUpdate();
    return [
      s.on('state', update),
      s.on('approval', update),
      s.on('approvalended', update),
      s.on('viewerjoined', update),
      s.on('viewerreconnecting', (v) => {
        this.#reconnecting.add(v.id);
        update();
      }),
      s.on('viewerresumed', (v) => {
        this.#reconnecting.delete(v.id);
        update();
      }),
      s.on('viewerleft', (v) => {
        this.#reconnecting.delete(v.id);
        update();
      }),
      s.on('controlrequest', (r) => {
        this.#asking = { id: r.id, name: r.name };
        update();
      }),
      s.on('control', (c) => {
        if (this.#asking?.id === c.id) this.#asking = null; // answered, expired or gone
        if (!c.granted) this.#confirming = false;
        update();
      }),
      s.on('controlconfirm', () => {
        this.#confirming = true;
        update();
      }),
    ];
  }

  protected override forget(): void {
    if (this.#drawing) this.#pen(false);
    this.#reconnecting.clear();
    this.#asking = null;
    this.#confirming = false;
  }

  /** Pen on or off, and clearing: told to `<cobrowse-annotations>` (or the site's own layer) through document events. */
  #pen(on: boolean): void {
    this.#drawing = on;
    this.ownerDocument.dispatchEvent(new CustomEvent('cobrowse-pen', { detail: on }));
    this.requestUpdate();
  }

  #clearInk(): void {
    this.ownerDocument.dispatchEvent(new CustomEvent('cobrowse-clear-ink'));
  }

  /** The prompt goes first: the submit is replayed where the agent clicked, which the taller banner may cover. */
  async #answerSubmit(s: SharingSession, yes: boolean): Promise<void> {
    this.#confirming = false;
    this.requestUpdate();
    await this.updateComplete;
    if (yes) s.confirmSubmit();
    else s.declineSubmit();
  }

  /** The control request being asked now (Allow / Deny), or who controls the page (Take back). */
  #control(s: SharingSession): TemplateResult | typeof nothing {
    const holder = s.controller;
    if (holder) {
      const text = holder.name ? this.t('controllingNamed', { name: holder.name }) : this.t('controlling');
      return html`<div part="control" role="alert">
          <span>${text}</span>
          <button type="button" part="button take-back" @click=${() => s.revokeControl()}>${this.t('takeBack')}</button>
        </div>
        ${
          this.#confirming
            ? html`<div part="confirm-submit" role="alertdialog" aria-label=${this.t('confirmSubmit')}>
                <strong>${this.t('confirmSubmit')}</strong>
                <button type="button" part="button decline-submit" @click=${() => void this.#answerSubmit(s, false)}>
                  ${this.t('cancelSubmit')}
                </button>
                <button type="button" class="primary" part="button submit" @click=${() => void this.#answerSubmit(s, true)}>
                  ${this.t('submit')}
                </button>
              </div>`
            : nothing
        }
        <div part="frame"></div>`;
    }
    const asking = this.#asking;
    if (!asking) return nothing;
    const title = asking.name ? this.t('controlAskNamed', { name: asking.name }) : this.t('controlAsk');
    return html`<div part="control-request" role="group" aria-label=${title}>
      <strong>${title}</strong>
      <span>${this.t('controlAskBody')}</span>
      <button type="button" part="button deny-control" @click=${() => s.denyControl(asking.id)}>${this.t('denyControl')}</button>
      <button type="button" class="primary" part="button allow-control" @click=${() => s.grantControl(asking.id)}>
        ${this.t('allowControl')}
      </button>
    </div>`;
  }

  #stop(): void {
    const session = this.session;
    if (!session) return;
    if (!this.fire('cobrowse-stop', session, true)) return;
    session.stop();
  }

  protected override render(): TemplateResult | typeof nothing {
    const s = this.session;
    if (!s || s.state === 'ended') return nothing;
    const viewers = s.viewerList;
    const message =
      s.state === 'connecting'
        ? s.pendingList.length
          ? this.t('approving')
          : this.t('connecting')
        : s.state === 'reconnecting'
          ? this.t('reconnecting')
          : viewers.length > 1
            ? this.t('viewingMany', { count: viewers.length })
            : this.t('viewingOne');
    return html`<section part="banner" aria-label=${message}>
      <span part="message" role="status">${message}</span>
      <ul part="viewers" title=${this.t('codeHint')}>
        ${viewers.map(
          (v) =>
            html`<li part="viewer" data-viewer=${v.id} ?data-reconnecting=${this.#reconnecting.has(v.id)}>
              ${v.name ? html`<span part="name">${v.name}</span> ` : nothing}${this.t('code')} <span part="code">${v.sas}</span>
            </li>`,
        )}
      </ul>
      ${
        s.state === 'connected'
          ? html`<button
                type="button"
                part="button pen"
                aria-pressed=${this.#drawing ? 'true' : 'false'}
                @click=${() => this.#pen(!this.#drawing)}
              >
                ${this.t('draw')}
              </button>
              <button type="button" part="button clear-ink" @click=${() => this.#clearInk()}>${this.t('clearDrawing')}</button>`
          : nothing
      }
      <button type="button" class="primary" part="button stop" @click=${this.#stop}>${this.t('stop')}</button>
      ${this.#control(s)}
    </section>`;
  }
}

define('cobrowse-sharing-banner', CobrowseSharingBanner);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-sharing-banner': CobrowseSharingBanner;
  }
}
