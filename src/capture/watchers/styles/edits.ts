// CSSOM edits of the sheets the viewer has (insertRule/deleteRule, replace, nested and declaration
// edits), queued in call order per top-level sheet and written at the next frame: each edit as an op,
// or the sheet's rules whole when that is as small (many edits) or the only way (nested changes).
import { constructedSheetRef, ownerSheetRef } from '../../../protocol/constants.js';
import type { CaptureContext } from '../../context.js';
import { baseOf, isConstructed, ruleText, rulesOf, type ConstructedSheets } from './sheets.js';

/** One queued edit of a top-level sheet. The rule object is kept, its text is read at flush. */
export interface SheetOp {
  index: number;
  /** null: a delete */
  rule: CSSRule | null;
}
/** Send every rule of the sheet. */
export const FULL = 'full' as const;

export class SheetEdits {
  /** Edits per top-level sheet since the last frame, in call order. */
  readonly #queue = new Map<CSSStyleSheet, SheetOp[] | typeof FULL>();

  constructor(
    private readonly sheets: ConstructedSheets,
    /** Asks for a flush. */
    private readonly request: () => void,
  ) {}

  /** Queues an edit of a sheet the viewer has, or may get in this frame (an owner element just connected). */
  add(sheet: CSSStyleSheet, op: SheetOp | typeof FULL): void {
    if (isConstructed(sheet) ? !this.sheets.isAnnounced(sheet) : !sheet.ownerNode?.isConnected) return;
    const q = this.#queue.get(sheet);
    if (op === FULL) this.#queue.set(sheet, FULL);
    else if (q === undefined) this.#queue.set(sheet, [op]);
    else if (q !== FULL) q.push(op);
    this.request();
  }

  /** The sheet is already to be sent whole (a hot path's early exit: one Map lookup). */
  isFull(sheet: CSSStyleSheet): boolean {
    return this.#queue.get(sheet) === FULL;
  }

  /** Marks a sheet to be sent whole without asking for a flush (one is being written). */
  setFull(sheet: CSSStyleSheet): void {
    this.#queue.set(sheet, FULL);
  }

  /** The sheet's rules were just written whole: its queued edits are in them. */
  drop(sheet: CSSStyleSheet): void {
    this.#queue.delete(sheet);
  }

  clear(): void {
    this.#queue.clear();
  }

  write(c: CaptureContext): void {
    for (const [sheet, ops] of this.#queue) {
      const ref = this.#refOf(sheet, c);
      if (!ref) continue;
      const base = baseOf(sheet, c);
      const masked = this.sheets.isMasked(sheet, c);
      let count: number;
      try {
        count = sheet.cssRules.length;
      } catch {
        continue;
      }
      // many edits in one frame (a CSS-in-JS burst): one replacement is as small and applies faster
      if (ops === FULL || (ops.length > 1 && ops.length >= count)) {
        const rules = rulesOf(sheet, base, masked);
        if (rules) c.encoder.sheetRules(ref, rules);
        continue;
      }
      for (const op of ops) {
        if (op.rule) c.encoder.sheetInsert(ref, op.index, ruleText(op.rule, base, masked));
        else c.encoder.sheetDelete(ref, op.index);
      }
    }
    this.#queue.clear();
  }

  /** The sheet ref the viewer knows the sheet by; 0 when it has none (not announced, owner gone). */
  #refOf(sheet: CSSStyleSheet, c: CaptureContext): number {
    if (isConstructed(sheet)) {
      const id = this.sheets.idOf(sheet);
      return id === undefined || !this.sheets.isAnnounced(sheet) ? 0 : constructedSheetRef(id);
    }
    const owner = sheet.ownerNode as (Element & { sheet?: CSSStyleSheet | null }) | null;
    // a sheet replaced by a text change is gone: the text op rebuilt the viewer's sheet
    const id = owner && owner.sheet === sheet ? c.id(owner) : 0;
    return id ? ownerSheetRef(id) : 0;
  }
}
