// `<style>` elements whose sheet holds rules their text does not: edited through CSSOM before the
// capture saw them (the CSS-in-JS case: an empty `<style>` filled with insertRule). The core writes
// the text; this sends the sheet's real rules.
import { ownerSheetRef } from '../../../protocol/constants.js';
import type { CaptureContext } from '../../context.js';
import type { SheetEdits } from './edits.js';
import { baseOf, rulesOf, type ConstructedSheets } from './sheets.js';

export class StyleElements {
  /** `<style>` elements written since the last frame. */
  #added: Element[] = [];
  #parser: CSSStyleSheet | null = null;

  constructor(
    private readonly sheets: ConstructedSheets,
    private readonly edits: SheetEdits,
  ) {}

  add(el: Element): void {
    this.#added.push(el);
  }

  clear(): void {
    this.#added = [];
  }

  /** Writes the rules of those whose text is not the whole story (at a snapshot), or queues them whole. */
  check(c: CaptureContext, snapshot: boolean): void {
    for (const el of this.#added) {
      const sheet = (el as HTMLStyleElement).sheet;
      if (!sheet || !cssomOnly(el, sheet, (this.#parser ??= new CSSStyleSheet()))) continue;
      if (!snapshot) {
        this.edits.setFull(sheet);
        continue;
      }
      const id = c.id(el);
      const rules = id ? rulesOf(sheet, baseOf(sheet, c), this.sheets.isMasked(sheet, c)) : null;
      if (rules) c.encoder.sheetRules(ownerSheetRef(id), rules);
    }
    this.#added = [];
  }
}

/**
 * Whether a `<style>`'s sheet holds rules its text does not say: rules in an element without text, or
 * a rule count other than a parse of the text gives (`parser`: a scratch sheet, emptied after use).
 */
export function cssomOnly(el: Element, sheet: CSSStyleSheet, parser: CSSStyleSheet): boolean {
  let live: CSSRuleList;
  try {
    live = sheet.cssRules;
  } catch {
    return false;
  }
  const text = el.textContent ?? '';
  if (!/\S/.test(text)) return live.length > 0; // the CSS-in-JS case: empty text, inserted rules
  // replaceSync drops @import rules: they are not counted on either side
  let imports = 0;
  for (let i = 0; i < live.length; i++) if (live[i]!.constructor.name === 'CSSImportRule') imports++;
  try {
    parser.replaceSync(text);
    const n = parser.cssRules.length;
    // emptied by deleteRule, not replaceSync(''): WebKit (WebKitGTK 2.50) appends on replaceSync instead of
    // replacing, so the scratch sheet would grow with every check and every count after the first be wrong
    empty(parser);
    return n !== live.length - imports;
  } catch {
    return false;
  }
}

function empty(sheet: CSSStyleSheet): void {
  for (let i = sheet.cssRules.length; i-- > 0;) sheet.deleteRule(i);
}
