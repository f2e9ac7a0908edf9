// adoptedStyleSheets of documents and shadow roots (Lit and most web components), including sheets
// adopted before a root was captured or before capture started. Compared with what was last written
// at each frame: push() on the ObservableArray calls no setter, so nothing else would tell.
import { constructedSheetRef } from '../../../protocol/constants.js';
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { adoptedSheets, DOCUMENT_NODE, nodeType, ownerDocument } from '../../../dom/safe-dom.js';
import { baseURI } from '../../dom.js';
import type { SheetEdits } from './edits.js';
import { rulesOf, type ConstructedSheets } from './sheets.js';

type Change = [root: CaptureRoot, rootId: number, now: readonly CSSStyleSheet[], before: CSSStyleSheet[] | undefined];

export class Adoptions {
  /** adoptedStyleSheets as last written, per root (compared by length and identity). */
  readonly #last = new WeakMap<CaptureRoot, CSSStyleSheet[]>();

  constructor(
    private readonly sheets: ConstructedSheets,
    private readonly edits: SheetEdits,
  ) {}

  /** Whether any root's adoptions differ from what was written (the slow poll's question). */
  anyChanged(roots: Iterable<CaptureRoot>): boolean {
    for (const root of roots) if (!sameSheets(this.#last.get(root), adoptedSheets(root))) return true;
    return false;
  }

  /**
   * Writes ADOPT for roots whose adoptedStyleSheets differ from what was written (all, when `all`).
   * `late`: a snapshot for a late viewer, written mid-stream: it must not consume state owed to the
   * viewers already connected (the queued edits, what they were told).
   */
  write(c: CaptureContext, all: boolean, late: boolean): void {
    const changes = this.#changes(c, all);
    const done = new Set<CSSStyleSheet>(); // announced in this frame
    for (const [root, rootId, now, before] of changes) {
      const doc = nodeType(root) === DOCUMENT_NODE ? (root as Document) : ownerDocument(root as ShadowRoot)!;
      const ids: number[] = [];
      for (const sheet of now) {
        const id = this.sheets.idOf(sheet);
        const fresh = all ? !done.has(sheet) : !this.sheets.isAnnounced(sheet) || id === undefined;
        ids.push(fresh ? this.#announce(c, sheet, doc, late) : id!);
        done.add(sheet);
      }
      if (now.length || before?.length) c.encoder.adopt(rootId, ids);
      if (!late) this.#last.set(root, Array.from(now));
    }
  }

  /**
   * The roots to write, and who adopts what, first: a sheet announced for an unmasked root may be
   * adopted by a masked one in the same frame (only roots whose adoptions changed can have new adopters).
   */
  #changes(c: CaptureContext, all: boolean): Change[] {
    const changes: Change[] = [];
    for (const root of c.roots()) {
      const rootId = c.id(root);
      if (!rootId) continue;
      let now: readonly CSSStyleSheet[];
      try {
        now = adoptedSheets(root);
      } catch {
        continue;
      }
      const before = this.#last.get(root);
      if (!all && sameSheets(before, now)) continue;
      if (all && !now.length && !before) continue;
      changes.push([root, rootId, now, before]);
      for (const sheet of now) this.sheets.addAdopter(sheet, root);
    }
    return changes;
  }

  /** Announces a constructed sheet (SHEET_NEW + its rules); returns its sheet id, as ADOPT lists it. */
  #announce(c: CaptureContext, sheet: CSSStyleSheet, doc: Document, late: boolean): number {
    const id = this.sheets.ensureId(sheet);
    c.encoder.sheetNew(id, c.id(doc));
    c.encoder.sheetRules(constructedSheetRef(id), rulesOf(sheet, sheet.href ?? baseURI(doc), this.sheets.isMasked(sheet, c)) ?? []);
    if (late) return id;
    this.sheets.markAnnounced(sheet);
    this.edits.drop(sheet); // the full rules just written include every queued edit
    return id;
  }
}

function sameSheets(a: readonly CSSStyleSheet[] | undefined, b: readonly CSSStyleSheet[]): boolean {
  if (!a) return b.length === 0;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
