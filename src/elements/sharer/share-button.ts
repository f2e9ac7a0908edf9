/**
 * `<cobrowse-share-button>`: "Share my screen with the agent", for a chat widget. It only asks:
 * a click fires `cobrowse-share-request`, and the site decides (ask for consent, invite through its
 * chat, start sharing). Disabled while `disabled` is set (e.g. while sharing).
 */
import { css, html, type TemplateResult } from 'lit';
import { define, SharerElement, theme } from './shared.js';

/**
 * "Share my screen with the agent", for a chat widget: asks the site to start a share.
 *
 * @tagname cobrowse-share-button
 * @attr disabled - not clickable
 * @fires cobrowse-share-request - the customer asked to share; the site decides what follows
 * @slot - replaces the label
 * @csspart button - the button
 * @cssprop --cobrowse-button-background - button background
 */
export class CobrowseShareButton extends SharerElement {
  static override properties = {
    disabled: { type: Boolean, reflect: true },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: inline-block;
      }
      :host([hidden]) {
        display: none;
      }
      button {
        width: 100%;
      }
    `,
  ];

  declare disabled: boolean;

  constructor() {
    super();
    this.disabled = false;
  }

  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('button')?.focus(options);
  }

  protected override render(): TemplateResult {
    return html`<button type="button" part="button" ?disabled=${this.disabled} @click=${() => this.fire('cobrowse-share-request', null)}>
      <slot>${this.t('share')}</slot>
    </button>`;
  }
}

define('cobrowse-share-button', CobrowseShareButton);

declare global {
  interface HTMLElementTagNameMap {
    'cobrowse-share-button': CobrowseShareButton;
  }
}
