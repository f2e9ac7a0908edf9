// Stylesheets: constructed sheets (one per realm they are used in), rule edits by index, and the
// `:hover` / `:focus*` rewriting. The sharer never pays for hover: the mirror rewrites those selectors
// in place, in every sheet it can read, to match the marker attributes that state.ts moves. Rewriting
// in place (setting `selectorText`) keeps rule indices identical to the sharer's, so later
// SHEET_INSERT / SHEET_DELETE indices stay right.
import * as dom from '../dom/safe-dom.js';
import type { NodeMap } from './nodes.js';
import { MARKER } from './sanitize.js';

/** `:hover` etc., not escaped (Tailwind's `.hover\:x`), not followed by more of an identifier. */
const STATE_PSEUDO = /(?<!\\):(hover|focus-within|focus-visible|focus)(?![\w-])/g;
const STRINGS = /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/;
/** Stands in for a rule this browser rejects, so indices stay in step with the sharer's sheet. */
const PLACEHOLDER = '@media not all {}';

/** The selector with state pseudo-classes replaced by marker attributes (null when unchanged). */
export function rewriteSelector(sel: string): string | null {
  if (!sel.includes(':')) return null;
  let changed = false;
  const out = sel
    .split(STRINGS)
    .map((part, i) => (i % 2 ? part : part.replace(STATE_PSEUDO, (_m, p: string) => ((changed = true), `[${MARKER}${p}]`))))
    .join('');
  return changed ? out : null;
}

interface RuleLike {
  selectorText?: string;
  cssRules?: CSSRuleList;
  styleSheet?: CSSStyleSheet | null;
}

/** Rewrites the rules of a list (and nested / grouping rules, same-origin imports) in place. */
export function rewriteRules(list: CSSRuleList, from = 0, to = list.length): void {
  const stack: Array<[CSSRuleList, number, number]> = [[list, from, to]];
  while (stack.length) {
    const [rules, a, b] = stack.pop()!;
    for (let i = a; i < b && i < rules.length; i++) {
      const r = rules[i] as unknown as RuleLike;
      if (typeof r.selectorText === 'string') {
        const s = rewriteSelector(r.selectorText);
        if (s !== null) r.selectorText = s;
      }
      if (r.cssRules) stack.push([r.cssRules, 0, r.cssRules.length]);
      try {
        if (r.styleSheet) stack.push([r.styleSheet.cssRules, 0, r.styleSheet.cssRules.length]);
      } catch {
        // a cross-origin @import: unreadable, so unrewritable
      }
    }
  }
}

export function rewriteSheet(sheet: CSSStyleSheet): void {
  let rules: CSSRuleList;
  try {
    rules = sheet.cssRules;
  } catch {
    return; // a cross-origin <link>: the viewer cannot read it (nor could rrweb)
  }
  rewriteRules(rules);
}

/** `insertRule` that never throws and never shifts indices: a rejected rule becomes a placeholder. */
function insertAt(sheet: CSSStyleSheet, rule: string, index: number): boolean {
  const at = Math.min(index, sheet.cssRules.length);
  try {
    sheet.insertRule(rule, at);
  } catch {
    try {
      sheet.insertRule(PLACEHOLDER, at);
    } catch {
      return false;
    }
  }
  rewriteRules(sheet.cssRules, at, at + 1);
  return at === index;
}

/** The sheet of a `<style>` / `<link>` (HTML or SVG) element, if it has one now. */
export function ownerSheetOf(el: Element): CSSStyleSheet | null {
  const name = dom.localName(el);
  const ns = dom.namespaceURI(el);
  try {
    if (ns === dom.HTML_NS && name === 'style') return dom.ownerSheet(el as HTMLStyleElement);
    if (ns === dom.HTML_NS && name === 'link') return dom.linkSheet(el as HTMLLinkElement);
    if (ns === dom.SVG_NS && name === 'style') return dom.svgStyleSheet(el as SVGStyleElement);
  } catch {
    // wrong interface (e.g. a custom namespace): no sheet
  }
  return null;
}

interface Constructed {
  /** The sheet in each document (realm) it is used in; `home` is where SHEET_NEW put it. */
  copies: Map<Document, CSSStyleSheet>;
  home: Document;
}

export class Sheets {
  #constructed = new Map<number, Constructed>();
  #dirty = new Set<Element>();
  #listening = new WeakSet<Element>();
  /** Set when an index did not match the sheet (a desync: a fresh snapshot fixes it). */
  drift = false;

  constructor(private map: NodeMap) {}

  has(id: number): boolean {
    return this.#constructed.has(id);
  }
  clear(): void {
    this.#constructed.clear();
    this.#dirty.clear();
  }

  create(id: number, doc: Document): void {
    const w = dom.defaultView(doc) ?? window;
    this.#constructed.set(id, { copies: new Map([[doc, new w.CSSStyleSheet()]]), home: doc });
  }

  /** Every CSSStyleSheet a sheet ref stands for. */
  #targets(ref: number): CSSStyleSheet[] {
    if (ref % 2) return [...(this.#constructed.get((ref - 1) / 2)?.copies.values() ?? [])];
    const el = this.map.get(ref / 2) as Element | undefined;
    const s = el && ownerSheetOf(el);
    return s ? [s] : [];
  }

  replaceRules(ref: number, rules: string[]): void {
    for (const s of this.#targets(ref)) {
      while (s.cssRules.length) s.deleteRule(s.cssRules.length - 1);
      rules.forEach((r, i) => insertAt(s, r, i) || (this.drift = true));
    }
  }
  insert(ref: number, index: number, rule: string): void {
    for (const s of this.#targets(ref)) if (!insertAt(s, rule, index)) this.drift = true;
  }
  delete(ref: number, index: number): void {
    for (const s of this.#targets(ref)) {
      if (index < s.cssRules.length) s.deleteRule(index);
      else this.drift = true;
    }
  }

  /** The sheet for use in `doc`: browsers refuse to adopt a sheet constructed in another document. */
  #copyFor(id: number, doc: Document): CSSStyleSheet {
    const c = this.#constructed.get(id)!;
    let s = c.copies.get(doc);
    if (!s) {
      const w = dom.defaultView(doc) ?? window;
      s = new w.CSSStyleSheet();
      const home = c.copies.get(c.home)!;
      for (let i = 0; i < home.cssRules.length; i++) insertAt(s, home.cssRules[i]!.cssText, i);
      c.copies.set(doc, s);
    }
    return s;
  }

  adopt(target: Node, ids: number[]): void {
    const isDoc = dom.nodeType(target) === dom.DOCUMENT_NODE;
    const doc = isDoc ? (target as Document) : dom.ownerDocument(target)!;
    const sheets = ids.map((id) => this.#copyFor(id, doc));
    if (isDoc) dom.setDocAdopted(target as Document, sheets);
    else dom.setShadowAdopted(target as ShadowRoot, sheets);
  }

  /** A `<style>`/`<link>` was created or its content changed: rewrite once it is in place. */
  ownerChanged(el: Element): void {
    this.#dirty.add(el);
  }

  /** Rewrites the sheets of changed owners (after a frame is applied: sheets exist once connected). */
  flush(): void {
    for (const el of this.#dirty) {
      const s = ownerSheetOf(el);
      if (s) rewriteSheet(s);
      if (dom.localName(el) === 'link' && !this.#listening.has(el)) {
        // a <link> sheet arrives later; rewrite it when it does (load fires again on href change)
        this.#listening.add(el);
        dom.addListener(el, 'load', () => {
          const sheet = ownerSheetOf(el);
          if (sheet) rewriteSheet(sheet);
        });
      }
    }
    this.#dirty.clear();
  }
}
