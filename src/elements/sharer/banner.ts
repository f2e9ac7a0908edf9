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
    `,
  ];

  declare inline: boolean;
  /** Viewers whose connection is lost for now (the session's list does not say). */
  readonly #reconnecting = new Set<string>();

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
    ];
  }

  protected override forget(): void {
    this.#reconnecting.clear();
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
      <button type="button" class="primary" part="button stop" @click=${this.#stop}>${this.t('stop')}</button>
    </section>`;
  }
}

define('cobrowse-sharing-banner', CobrowseSharingBanner);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-sharing-banner': CobrowseSharingBanner;
  }
}
