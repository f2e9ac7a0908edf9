// Masking decisions, made on the sharer before anything is written: masked data never enters a frame.
import {
  closest,
  ELEMENT_NODE,
  FRAGMENT_NODE,
  getAttribute,
  hasAttribute,
  localName,
  matches,
  nodeType,
  parentNode,
} from '../dom/safe-dom.js';
import { BLOCK_ATTR, IGNORE_ATTR, MARK_PREFIX, MASK_ATTR, UNMASK_ATTR } from './marks.js';

/** What to hide from the viewer. Every rule runs on the sharer's machine. */
export interface MaskOptions {
  /**
   * CSS selectors whose text is masked (the element's text and its descendants' text, and the values
   * of form fields inside). Each character but whitespace becomes `*` (a full-width `\uFF0A` for a
   * wide East Asian one), so the layout stays close.
   * Site authors can also mark elements with the `data-cobrowse-mask` attribute.
   */
  text?: string | readonly string[];
  /**
   * Form field values: `'sensitive'` (default) masks passwords, credit-card fields (`autocomplete`
   * cc-*), one-time codes and current/new passwords; `'all'` masks every field; `'none'` masks only
   * the sensitive ones anyway — sensitive fields can never be unmasked. Hidden inputs
   * (`type=hidden`) are never sent at all, whatever this says.
   */
  inputs?: 'all' | 'sensitive' | 'none';
  /**
   * CSS selectors of elements to block: the viewer sees an empty placeholder of the same size, and
   * nothing inside is captured or observed. Site authors can use `data-cobrowse-block`.
   */
  block?: string | readonly string[];
  /**
   * CSS selectors of elements whose text and (non-sensitive) fields are shown even inside a masked
   * ancestor or with `inputs: 'all'`. Site authors can use `data-cobrowse-unmask`.
   */
  unmask?: string | readonly string[];
  /**
   * CSS selectors of elements left out of the capture entirely: no placeholder, nothing inside
   * (shadow content included), never observed — the viewer's copy is the page without them. For UI
   * that is not the page (the agent's annotations, the sharing banner). Also `data-cobrowse-ignore`,
   * which every cobrowse-rtc sharer element carries.
   */
  ignore?: string | readonly string[];
}

/** A masked sensitive field shows this, whatever its length (the length itself is private). */
const SENSITIVE_PLACEHOLDER = '••••••••';

const SENSITIVE_AUTOCOMPLETE = /(^|\s)(cc-[a-z-]+|one-time-code|current-password|new-password)(\s|$)/i;

/** The site's selectors for one rule as one list, or null without any. */
function selectorList(option: string | readonly string[] | undefined): string | null {
  const list = option === undefined ? [] : typeof option === 'string' ? [option] : [...option];
  return list.length ? list.join(',') : null;
}

/**
 * Whether the element carries the rule's attribute or matches the site's selectors for it. Asked for
 * every element of a snapshot and every ancestor of a change: the attribute test is far cheaper than
 * `matches`, which runs only when the site gave selectors.
 */
function hasRule(el: Element, attr: string, selector: string | null): boolean {
  return hasAttribute(el, attr) || (selector !== null && matches(el, selector));
}

/**
 * The masking rules of one capture. `textMasked` and `blocked` are decided per element with `matches`
 * (selectors the site gave, plus the attributes); inheritance down the tree is the caller's job
 * (the snapshot walk carries it; mutations use `closest`).
 */
export class MaskPolicy {
  readonly inputs: 'all' | 'sensitive' | 'none';
  /** The site's selectors per rule; null without any (then the attribute alone decides, see hasRule). */
  readonly #maskSelector: string | null;
  readonly #blockSelector: string | null;
  readonly #unmaskSelector: string | null;
  readonly #ignoreSelector: string | null;

  /** The site gave selectors: any attribute change may change what they match. */
  readonly #hasSelectors: boolean;

  constructor(options: MaskOptions = {}) {
    this.inputs = options.inputs ?? 'sensitive';
    const selectors = [
      (this.#maskSelector = selectorList(options.text)),
      (this.#blockSelector = selectorList(options.block)),
      (this.#unmaskSelector = selectorList(options.unmask)),
      (this.#ignoreSelector = selectorList(options.ignore)),
    ].filter((s) => s !== null);
    this.#hasSelectors = selectors.length > 0;
    // fail at start, with the selector named, rather than on the first mutation
    for (const s of selectors) {
      try {
        new DocumentFragment().querySelector(s); // not document.createDocumentFragment(): the page's may be clobbered
      } catch {
        throw new SyntaxError(`cobrowse-rtc: invalid mask selector: ${s}`);
      }
    }
  }

  /** Whether a change of this attribute can change an element's masking or blocking. */
  dependsOn(attributeName: string): boolean {
    return this.#hasSelectors || attributeName.startsWith(MARK_PREFIX);
  }

  /** The element is left out of the capture, with its subtree (not even a placeholder). */
  isIgnored(el: Element): boolean {
    return hasRule(el, IGNORE_ATTR, this.#ignoreSelector);
  }

  /** The element is blocked (placeholder only). */
  isBlocked(el: Element): boolean {
    return hasRule(el, BLOCK_ATTR, this.#blockSelector);
  }

  /**
   * The text masking state this element gives its subtree: true (masks), false (unmasks), or
   * `inherited` (no rule on the element itself).
   */
  ownTextRule(el: Element): boolean | undefined {
    if (hasRule(el, UNMASK_ATTR, this.#unmaskSelector)) return false;
    if (hasRule(el, MASK_ATTR, this.#maskSelector)) return true;
    return undefined;
  }

  /** Whether the text under `node` is masked, looking up the ancestors (for single mutations). */
  isTextMaskedAt(node: Node): boolean {
    let el: Element | null = nodeType(node) === ELEMENT_NODE ? (node as Element) : parentElementOf(node);
    while (el) {
      const rule = this.ownTextRule(el);
      if (rule !== undefined) return rule;
      el = parentElementAcrossShadow(el);
    }
    return false;
  }

  /** A field whose value can never be shown. */
  isSensitiveField(el: Element): boolean {
    const type = (getAttribute(el, 'type') ?? '').trim().toLowerCase();
    if (type === 'password' || isHiddenInput(el, type)) return true;
    const ac = getAttribute(el, 'autocomplete');
    return ac !== null && SENSITIVE_AUTOCOMPLETE.test(ac);
  }

  /**
   * Whether a form field's value is masked. `textMasked` is the inherited text rule at the field
   * (a field inside a masked element is masked).
   */
  isValueMasked(el: Element, textMasked: boolean): boolean {
    if (this.isSensitiveField(el)) return true;
    if (textMasked) return true;
    if (this.inputs !== 'all') return false;
    return !hasRule(el, UNMASK_ATTR, this.#unmaskSelector) && !closest(el, `[${UNMASK_ATTR}]`);
  }

  /** The value the viewer sees for a field. */
  maskValue(el: Element, value: string): string {
    if (isHiddenInput(el)) return ''; // nothing to show a person, so nothing at all is sent
    if (this.isSensitiveField(el)) return value ? SENSITIVE_PLACEHOLDER : '';
    return maskText(value);
  }
}

/**
 * `<input type=hidden>` holds what the page never shows a person — CSRF tokens, view state, signed
 * parameters — so its value (property and attribute) is never sent, whatever the options say.
 */
export function isHiddenInput(el: Element, type = (getAttribute(el, 'type') ?? '').trim().toLowerCase()): boolean {
  return type === 'hidden' && localName(el) === 'input';
}

/**
 * Each character but whitespace becomes `*` (surrogate pairs count once), or the full-width `\uFF0A`
 * for a wide one: masked Japanese must wrap onto as many lines as the original, or everything below
 * moves in the viewer. Whitespace and line breaks stay as they are. "Wide" is one range, from the CJK
 * radicals (U+2E80) to the full-width forms (U+FF60): kana, ideographs, Hangul syllables, full-width
 * punctuation, and by their first unit every surrogate pair (emoji, the ideographs of planes 2-3).
 * Within it, the private use area (icon fonts) and a few rare scripts are not wide in every font: a
 * range test instead of a table of ranges keeps the customer's page a few bytes lighter.
 */
export function maskText(s: string): string {
  return s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|\S/g, (c) => (c >= '\u2E80' && c <= '\uFF60' ? '\uFF0A' : '*'));
}

/**
 * The parent element, continuing from a shadow root to its host. Read through `Node.prototype`
 * (safe-dom.ts): a form control named `parentNode` clobbers `form.parentNode`, and the walk up would
 * never end.
 */
export const parentElementAcrossShadow: (el: Element) => Element | null = parentElementOf;

/** The parent element of any node (a text node's too), continuing from a shadow root to its host. */
function parentElementOf(n: Node): Element | null {
  const p = parentNode(n);
  if (!p) return null;
  const type = nodeType(p);
  if (type === ELEMENT_NODE) return p as Element;
  if (type === FRAGMENT_NODE && (p as ShadowRoot).host) return (p as ShadowRoot).host; // shadow roots have no named properties
  return null;
}
