// What the styles watcher knows about sheets: the ids constructed sheets go by (SHEET_NEW, ADOPT),
// which ones the delta stream has announced, who adopts them (a sheet adopted inside masked text is
// masked), and how a sheet's rules are read for the viewer.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { maskText } from '../../mask.js';
import { absoluteCssUrls } from '../../urls.js';
import { documentElement, DOCUMENT_NODE, nodeType } from '../../../dom/safe-dom.js';
import { baseURI } from '../../dom.js';

/** A sheet of no element and no rule: made with `new CSSStyleSheet()`, shared by adoption. */
export const isConstructed = (s: CSSStyleSheet): boolean => !s.ownerNode && !s.ownerRule && !s.parentStyleSheet;

export class ConstructedSheets {
  #next = 1;
  readonly #ids = new WeakMap<CSSStyleSheet, number>();
  /** Sheets the delta stream has announced (SHEET_NEW + SHEET_RULES). */
  readonly #announced = new WeakSet<CSSStyleSheet>();
  /**
   * Every root seen adopting each sheet (weakly: a removed component's root may go). Never pruned
   * otherwise: a sheet once adopted inside masked text stays masked (it may be adopted there again at
   * any time, and one sheet is sent once).
   */
  readonly #adopters = new WeakMap<CSSStyleSheet, Set<WeakRef<CaptureRoot>>>();
  /** The sheets each root is already listed under in `adopters`. */
  readonly #registered = new WeakMap<CaptureRoot, WeakSet<CSSStyleSheet>>();

  idOf(sheet: CSSStyleSheet): number | undefined {
    return this.#ids.get(sheet);
  }

  ensureId(sheet: CSSStyleSheet): number {
    let id = this.#ids.get(sheet);
    if (id === undefined) this.#ids.set(sheet, (id = this.#next++));
    return id;
  }

  isAnnounced(sheet: CSSStyleSheet): boolean {
    return this.#announced.has(sheet);
  }

  markAnnounced(sheet: CSSStyleSheet): void {
    this.#announced.add(sheet);
  }

  addAdopter(sheet: CSSStyleSheet, root: CaptureRoot): void {
    let refs = this.#adopters.get(sheet);
    if (!refs) this.#adopters.set(sheet, (refs = new Set()));
    let seen = this.#registered.get(root);
    if (!seen) this.#registered.set(root, (seen = new WeakSet()));
    if (seen.has(sheet)) return;
    seen.add(sheet);
    refs.add(new WeakRef(root));
  }

  /**
   * A sheet whose rules are text of masked content: a `<style>` inside masked text, or a constructed
   * sheet adopted by a root inside masked text. Its rules can show text (CSS `content: "…"`), so they
   * are masked like that text.
   */
  isMasked(sheet: CSSStyleSheet, c: CaptureContext): boolean {
    if (sheet.ownerNode) return c.mask.isTextMaskedAt(sheet.ownerNode);
    const refs = this.#adopters.get(sheet);
    if (!refs) return false;
    for (const ref of refs) {
      const root = ref.deref();
      if (!root) refs.delete(ref);
      else if (rootMasked(root, c)) return true;
    }
    return false;
  }
}

/** Whether text at a root is masked: the document element's rule, or the shadow host's. */
function rootMasked(root: CaptureRoot, c: CaptureContext): boolean {
  const at = nodeType(root) === DOCUMENT_NODE ? documentElement(root as Document) : (root as ShadowRoot).host;
  return !!at && c.mask.isTextMaskedAt(at);
}

/** A sheet's rules as the viewer gets them (URLs absolute, or masked); null for a cross-origin sheet. */
export function rulesOf(sheet: CSSStyleSheet, base: string, masked = false): string[] | null {
  try {
    const list = sheet.cssRules;
    const out = new Array<string>(list.length);
    for (let i = 0; i < list.length; i++) out[i] = ruleText(list[i]!, base, masked);
    return out;
  } catch {
    return null; // cross-origin sheet: the mirror loads it itself
  }
}

export function ruleText(rule: CSSRule, base: string, masked: boolean): string {
  return masked ? maskText(rule.cssText) : absoluteCssUrls(rule.cssText, base);
}

/** What relative URLs in a sheet resolve against. */
export function baseOf(sheet: CSSStyleSheet, c: CaptureContext): string {
  return sheet.href ?? (sheet.ownerNode ? baseURI(sheet.ownerNode) : baseURI(c.document));
}
