/**
 * What the sharer's elements have in common: they are never captured (the agent sees the customer's
 * page, not our UI over it), they speak the customer's language, and they share one set of theme
 * properties.
 */
import { css, LitElement } from 'lit';
import { languageOf, translate } from '../i18n.js';
import { sharerStrings, type SharerKey } from '../strings/sharer.js';
import { IGNORE_ATTR } from '../../capture/marks.js';

/** The capture leaves elements with this attribute out entirely (defined with the capture's other marks). */
export { IGNORE_ATTR };

/**
 * Base of the sharer's elements. Marks the host `data-cobrowse-ignore` as it connects: custom
 * element reactions run synchronously on insertion, so the mark is there before the capture's
 * MutationObserver delivers the insertion and the element is never written, not even for one frame.
 */
export class SharerElement extends LitElement {
  override connectedCallback(): void {
    if (!this.hasAttribute(IGNORE_ATTR)) this.setAttribute(IGNORE_ATTR, '');
    super.connectedCallback();
  }

  /** A string in the element's language (its `lang`, inherited, then the document's, the browser's). */
  protected t(key: SharerKey, values?: Record<string, string | number>): string {
    return translate(sharerStrings, languageOf(this), key, values);
  }

  /** A bubbling, composed event, so a chat widget can listen on any ancestor; false if cancelled. */
  protected fire<T>(type: string, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}

/** Registers an element once: a page may load the bundle twice (a widget and the site's own copy). */
export function define(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor);
}

/**
 * The theme every sharer element reads: override these custom properties on the element or any
 * ancestor (`cobrowse-sharing-banner { --cobrowse-accent: #0a7 }`).
 */
export const theme = css`
  :host {
    font-family: var(--cobrowse-font, system-ui, sans-serif);
    font-size: var(--cobrowse-font-size, 14px);
    line-height: 1.4;
    color: var(--cobrowse-color, #1d1d1f);
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--cobrowse-radius, 6px);
    padding: 0.45em 1em;
    border: 1px solid var(--cobrowse-accent, #2451c7);
    background: var(--cobrowse-button-background, #fff);
    color: var(--cobrowse-accent, #2451c7);
  }
  button.primary {
    background: var(--cobrowse-accent, #2451c7);
    color: var(--cobrowse-accent-contrast, #fff);
  }
  /* the ring needs 3:1 against what is around it (WCAG 1.4.11): the old light blue had 2.1:1 on white
     and 1.9:1 on the banner's yellow; the accent has 6.8:1 and 6.2:1 (the offset keeps it apart from
     a primary button of the same colour). axe does not check focus rings. */
  button:focus-visible {
    outline: 3px solid var(--cobrowse-focus-ring, var(--cobrowse-accent, #2451c7));
    outline-offset: 2px;
  }
`;
