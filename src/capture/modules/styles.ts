// Stylesheet state that DOM mutations never report:
//  - CSSOM edits (insertRule/deleteRule/replace/replaceSync, and edits of nested grouping rules):
//    CSS-in-JS libraries (styled-components, emotion in production) style whole apps this way;
//  - adoptedStyleSheets of documents and shadow roots (Lit and most web components), including sheets
//    adopted before the root was captured or before capture started;
//  - `<style>` elements edited through CSSOM before capture started (their text no longer says what
//    their sheet holds).
// `<link rel=stylesheet>` needs nothing here: the mirror loads the absolute URL the core writes.
import { constructedSheetRef, ownerSheetRef } from '../../protocol/constants.js';
import type { CaptureContext, CaptureModule, CaptureRoot } from '../context.js';
import { afterMethod, afterSetter } from '../patches.js';
import { maskText } from '../mask.js';
import { absoluteCssUrls } from '../urls.js';
import { declarationPatches } from './declarations.js';
import { Disposer, Realms } from './util.js';
import { adoptedSheets, documentElement, localName, nodeType, ownerDocument } from '../../dom/safe-dom.js';
import { baseURI } from '../dom.js';

/** One queued edit of a top-level sheet. The rule object is kept, its text is read at flush. */
type SheetOp = { index: number; rule: CSSRule | null } /* rule null = delete */;
const FULL = 'full' as const;

/** How often adoptedStyleSheets are compared when nothing else flushes (ObservableArray.push is silent). */
const ADOPTED_POLL_MS = 1000;

export function createStylesModule(): CaptureModule {
  const d = new Disposer();
  let ctx: CaptureContext | null = null;
  let started = false; // first snapshot written
  let nextSheetId = 1;
  const sheetIds = new WeakMap<CSSStyleSheet, number>();
  /** Constructed sheets the delta stream has announced (SHEET_NEW + SHEET_RULES). */
  const announced = new WeakSet<CSSStyleSheet>();
  /** Edits per top-level sheet since the last frame, in call order; FULL = send every rule. */
  const queue = new Map<CSSStyleSheet, SheetOp[] | typeof FULL>();
  /** adoptedStyleSheets as last written, per root (compared by length and identity). */
  const lastAdopted = new WeakMap<CaptureRoot, CSSStyleSheet[]>();
  /** `<style>` elements serialized since the last frame, to check for CSSOM-only rules. */
  let newStyles: Element[] = [];
  let parser: CSSStyleSheet | null = null;

  const isConstructed = (s: CSSStyleSheet) => !s.ownerNode && !s.ownerRule && !s.parentStyleSheet;

  function queueOp(sheet: CSSStyleSheet, op: SheetOp | typeof FULL): void {
    // only sheets the viewer has, or may get in this frame (an owner element just connected)
    if (isConstructed(sheet) ? !announced.has(sheet) : !sheet.ownerNode?.isConnected) return;
    const q = queue.get(sheet);
    if (op === FULL) queue.set(sheet, FULL);
    else if (q === undefined) queue.set(sheet, [op]);
    else if (q !== FULL) q.push(op);
    ctx?.requestFlush();
  }

  /** A nested rule changed: the top-level sheet is sent whole (no nested-path op in the protocol). */
  const nestedChanged = (rule: CSSRule) => {
    if (rule.parentStyleSheet) queueOp(rule.parentStyleSheet, FULL);
  };
  /**
   * A rule's own text changed (its declarations, selector, key...). Called on hot paths (every
   * setProperty of the page, inline styles included): one Map lookup when the sheet is already queued.
   */
  const ruleChanged = (rule: CSSRule | null) => {
    if (!ctx) return;
    const sheet = rule?.parentStyleSheet;
    if (sheet && queue.get(sheet) !== FULL) queueOp(sheet, FULL);
  };

  const realms = new Realms(d, (win) => {
    const S = win.CSSStyleSheet?.prototype;
    const G = win.CSSGroupingRule?.prototype;
    const undo: Array<() => void> = [];
    if (S) {
      undo.push(
        afterMethod(S, 'insertRule', (s, _a, index) => queueOp(s, { index: index as number, rule: s.cssRules[index as number] ?? null })),
        afterMethod(S, 'deleteRule', (s, a) => queueOp(s, { index: Number(a[0]), rule: null })),
        afterMethod(S, 'replaceSync', (s) => queueOp(s, FULL)),
        // replace() applies its rules when the promise resolves
        afterMethod(S, 'replace', (s, _a, p) => void (p as Promise<unknown>).then(() => queueOp(s, FULL), () => {})),
        // legacy aliases do not go through insertRule/deleteRule in Chromium
        afterMethod(S, 'addRule', (s) => queueOp(s, FULL)),
        afterMethod(S, 'removeRule', (s, a) => queueOp(s, { index: Number(a[0] ?? 0), rule: null })),
      );
    }
    if (G) undo.push(afterMethod(G, 'insertRule', nestedChanged), afterMethod(G, 'deleteRule', nestedChanged));
    undo.push(...declarationPatches(win, ruleChanged));
    // Assigning adoptedStyleSheets: compare at the next flush. push() on the ObservableArray does not
    // call the setter; the flush comparison and a slow poll catch it.
    const adopted = () => ctx?.requestFlush();
    if (win.Document) undo.push(afterSetter(win.Document.prototype, 'adoptedStyleSheets', adopted));
    if (win.ShadowRoot) undo.push(afterSetter(win.ShadowRoot.prototype, 'adoptedStyleSheets', adopted));
    return undo;
  });

  /**
   * Every root seen adopting each constructed sheet (weakly: a removed component's root may go).
   * Never pruned otherwise: a sheet once adopted inside masked text stays masked (it may be adopted
   * there again at any time, and one sheet is sent once).
   */
  const adopters = new WeakMap<CSSStyleSheet, Set<WeakRef<CaptureRoot>>>();
  /** The sheets each root is already listed under in `adopters`. */
  const registered = new WeakMap<CaptureRoot, WeakSet<CSSStyleSheet>>();
  /** Whether text at a root is masked: the document element's rule, or the shadow host's. */
  const rootMasked = (root: CaptureRoot, c: CaptureContext) => {
    const at = nodeType(root) === 9 ? documentElement((root as Document)) : (root as ShadowRoot).host;
    return !!at && c.mask.isTextMaskedAt(at);
  };
  /**
   * A sheet whose rules are text of masked content: a `<style>` inside masked text, or a constructed
   * sheet adopted by a root inside masked text. Its rules can show text (CSS `content: "…"`), so they
   * are masked like that text.
   */
  const sheetMasked = (sheet: CSSStyleSheet, c: CaptureContext): boolean => {
    if (sheet.ownerNode) return c.mask.isTextMaskedAt(sheet.ownerNode);
    const refs = adopters.get(sheet);
    if (!refs) return false;
    for (const ref of refs) {
      const root = ref.deref();
      if (!root) refs.delete(ref);
      else if (rootMasked(root, c)) return true;
    }
    return false;
  };

  function rulesOf(sheet: CSSStyleSheet, base: string, masked = false): string[] | null {
    try {
      const list = sheet.cssRules;
      const out = new Array<string>(list.length);
      for (let i = 0; i < list.length; i++) out[i] = masked ? maskText(list[i]!.cssText) : absoluteCssUrls(list[i]!.cssText, base);
      return out;
    } catch {
      return null; // cross-origin sheet: the mirror loads it itself
    }
  }
  const baseOf = (sheet: CSSStyleSheet, c: CaptureContext) =>
    sheet.href ?? (sheet.ownerNode ? baseURI(sheet.ownerNode) : baseURI(c.document));

  function docOf(root: CaptureRoot): Document {
    return nodeType(root) === 9 ? (root as Document) : ownerDocument(root as ShadowRoot)!;
  }

  /**
   * A snapshot for a late viewer is written mid-stream: it must not consume state owed to the viewers
   * already connected (the queue, what they were told). `late` marks such a snapshot.
   */
  let late = false;

  /** SHEET_NEW + SHEET_RULES for a constructed sheet; returns its sheet ref. */
  /** Announces a constructed sheet (SHEET_NEW + its rules); returns its sheet id, as ADOPT lists it. */
  function announce(c: CaptureContext, sheet: CSSStyleSheet, doc: Document): number {
    let id = sheetIds.get(sheet);
    if (id === undefined) sheetIds.set(sheet, (id = nextSheetId++));
    const ref = constructedSheetRef(id);
    c.encoder.sheetNew(id, c.id(doc));
    c.encoder.sheetRules(ref, rulesOf(sheet, sheet.href ?? baseURI(doc), sheetMasked(sheet, c)) ?? []);
    if (late) return id;
    announced.add(sheet);
    queue.delete(sheet); // the full rules just written include every queued edit
    return id;
  }

  /** Writes ADOPT for roots whose adoptedStyleSheets differ from what was written (all, when `all`). */
  function writeAdoptions(c: CaptureContext, all: boolean): void {
    const done = new Set<CSSStyleSheet>(); // announced in this frame
    // who adopts what, first: a sheet announced for an unmasked root may be adopted by a masked one in
    // the same frame (only roots whose adoptions changed can have new adopters)
    const changed: Array<[CaptureRoot, number, readonly CSSStyleSheet[], CSSStyleSheet[] | undefined]> = [];
    for (const root of c.roots()) {
      const rootId = c.id(root);
      if (!rootId) continue;
      let now: readonly CSSStyleSheet[];
      try {
        now = adoptedSheets(root);
      } catch {
        continue;
      }
      const before = lastAdopted.get(root);
      if (!all && sameSheets(before, now)) continue;
      if (all && !now.length && !before) continue;
      changed.push([root, rootId, now, before]);
      for (const sheet of now) {
        let refs = adopters.get(sheet);
        if (!refs) adopters.set(sheet, (refs = new Set()));
        let seen = registered.get(root);
        if (!seen) registered.set(root, (seen = new WeakSet()));
        if (!seen.has(sheet)) {
          seen.add(sheet);
          refs.add(new WeakRef(root));
        }
      }
    }
    for (const [root, rootId, now, before] of changed) {
      const doc = docOf(root);
      const sheetIdsNow: number[] = [];
      for (const sheet of now) {
        const id = sheetIds.get(sheet);
        const fresh = all ? !done.has(sheet) : !announced.has(sheet) || id === undefined;
        sheetIdsNow.push(fresh ? announce(c, sheet, doc) : id!);
        done.add(sheet);
      }
      if (now.length || before?.length) c.encoder.adopt(rootId, sheetIdsNow);
      if (!late) lastAdopted.set(root, Array.from(now));
    }
  }

  /** `<style>` elements whose sheet holds rules its text does not (CSSOM edits before we saw them). */
  function checkNewStyles(c: CaptureContext, snapshot: boolean): void {
    for (const el of newStyles) {
      const sheet = (el as HTMLStyleElement).sheet;
      if (!sheet || !cssomOnly(el, sheet)) continue;
      if (!snapshot) {
        queue.set(sheet, FULL);
        continue;
      }
      const id = c.id(el);
      const rules = id ? rulesOf(sheet, baseOf(sheet, c), sheetMasked(sheet, c)) : null;
      if (rules) c.encoder.sheetRules(ownerSheetRef(id), rules);
    }
    newStyles = [];
  }

  function cssomOnly(el: Element, sheet: CSSStyleSheet): boolean {
    let live: CSSRuleList;
    try {
      live = sheet.cssRules;
    } catch {
      return false;
    }
    const text = el.textContent ?? '';
    if (!/\S/.test(text)) return live.length > 0; // the CSS-in-JS case: empty text, inserted rules
    // Otherwise compare the rule count with a parse of the text (replaceSync drops @import rules).
    let imports = 0;
    for (let i = 0; i < live.length; i++) if (live[i]!.constructor.name === 'CSSImportRule') imports++;
    try {
      parser ??= new CSSStyleSheet();
      parser.replaceSync(text);
      const n = parser.cssRules.length;
      parser.replaceSync('');
      return n !== live.length - imports;
    } catch {
      return false;
    }
  }

  function writeQueue(c: CaptureContext): void {
    for (const [sheet, ops] of queue) {
      let ref: number;
      if (isConstructed(sheet)) {
        const id = sheetIds.get(sheet);
        if (id === undefined || !announced.has(sheet)) continue;
        ref = constructedSheetRef(id);
      } else {
        const owner = sheet.ownerNode as (Element & { sheet?: CSSStyleSheet | null }) | null;
        // a sheet replaced by a text change is gone: the text op rebuilt the viewer's sheet
        const id = owner && owner.sheet === sheet ? c.id(owner) : 0;
        if (!id) continue;
        ref = ownerSheetRef(id);
      }
      const base = baseOf(sheet, c);
      const masked = sheetMasked(sheet, c);
      let count = 0;
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
        if (op.rule) c.encoder.sheetInsert(ref, op.index, masked ? maskText(op.rule.cssText) : absoluteCssUrls(op.rule.cssText, base));
        else c.encoder.sheetDelete(ref, op.index);
      }
    }
    queue.clear();
  }

  let poll: ReturnType<typeof setInterval> | 0 = 0;
  function startPoll(): void {
    if (poll) return;
    poll = setInterval(() => {
      const c = ctx;
      if (!c) return;
      for (const root of c.roots()) {
        if (!sameSheets(lastAdopted.get(root), adoptedSheets(root))) return c.requestFlush();
      }
    }, ADOPTED_POLL_MS);
    d.add(() => clearInterval(poll));
  }

  return {
    tags: ['style'],
    rootAdded(root, c) {
      ctx = c;
      realms.add(root);
      startPoll();
    },
    elementAdded(el) {
      if (localName(el) === 'style') newStyles.push(el);
    },
    snapshot(c) {
      ctx = c;
      realms.add(c.document);
      startPoll();
      // The first snapshot reads live state: edits queued before it are already in it. A later one
      // (late viewer) leaves the queue to the next delta; the core flushes before it snapshots.
      late = started;
      if (!started) queue.clear();
      started = true;
      try {
        writeAdoptions(c, true);
        checkNewStyles(c, true);
      } finally {
        late = false;
      }
    },
    flush(c) {
      ctx = c;
      writeAdoptions(c, false);
      checkNewStyles(c, false);
      writeQueue(c);
    },
    stop() {
      d.dispose();
      queue.clear();
      newStyles = [];
      ctx = null;
    },
  };
}

function sameSheets(a: readonly CSSStyleSheet[] | undefined, b: readonly CSSStyleSheet[]): boolean {
  if (!a) return b.length === 0;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
