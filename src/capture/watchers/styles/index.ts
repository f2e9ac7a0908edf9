// Stylesheet state that DOM mutations never report:
//  - CSSOM edits (insertRule/deleteRule/replace/replaceSync, and edits of nested grouping rules and of
//    rule declarations): CSS-in-JS libraries (styled-components, emotion in production) style whole
//    apps this way (edits.ts, declarations.ts);
//  - adoptedStyleSheets of documents and shadow roots (adoptions.ts);
//  - `<style>` elements edited through CSSOM before capture started (style-elements.ts).
// `<link rel=stylesheet>` needs nothing here: the mirror loads the absolute URL the core writes.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { afterMethod, afterSetter } from '../../patches.js';
import { localName } from '../../../dom/safe-dom.js';
import { Realms, Watcher } from '../base.js';
import { Adoptions } from './adoptions.js';
import { declarationPatches } from './declarations.js';
import { FULL, SheetEdits } from './edits.js';
import { ConstructedSheets } from './sheets.js';
import { StyleElements } from './style-elements.js';

/** How often adoptedStyleSheets are compared when nothing else flushes (ObservableArray.push is silent). */
const ADOPTED_POLL_MS = 1000;

export class StylesWatcher extends Watcher {
  readonly tags = ['style'];
  readonly #sheets = new ConstructedSheets();
  readonly #edits = new SheetEdits(this.#sheets, this.request);
  readonly #adoptions = new Adoptions(this.#sheets, this.#edits);
  readonly #styleElements = new StyleElements(this.#sheets, this.#edits);
  /** The first snapshot was written. */
  #started = false;
  #poll: ReturnType<typeof setInterval> | 0 = 0;

  /** A nested rule changed: the top-level sheet is sent whole (no nested-path op in the protocol). */
  readonly #nestedChanged = (rule: CSSRule) => {
    if (rule.parentStyleSheet) this.#edits.add(rule.parentStyleSheet, FULL);
  };
  /**
   * A rule's own text changed (its declarations, selector, key...). Called on hot paths (every
   * setProperty of the page, inline styles included): one Map lookup when the sheet is already queued.
   */
  readonly #ruleChanged = (rule: CSSRule | null) => {
    if (!this.ctx) return;
    const sheet = rule?.parentStyleSheet;
    if (sheet && !this.#edits.isFull(sheet)) this.#edits.add(sheet, FULL);
  };

  readonly #realms = new Realms(this.disposer, (win) => {
    const S = win.CSSStyleSheet?.prototype;
    const G = win.CSSGroupingRule?.prototype;
    const edits = this.#edits;
    const undo: Array<() => void> = [];
    if (S) {
      undo.push(
        afterMethod(S, 'insertRule', (s, _a, index) => edits.add(s, { index: index as number, rule: s.cssRules[index as number] ?? null })),
        afterMethod(S, 'deleteRule', (s, a) => edits.add(s, { index: Number(a[0]), rule: null })),
        afterMethod(S, 'replaceSync', (s) => edits.add(s, FULL)),
        // replace() applies its rules when the promise resolves
        afterMethod(
          S,
          'replace',
          (s, _a, p) =>
            void (p as Promise<unknown>).then(
              () => edits.add(s, FULL),
              () => {},
            ),
        ),
        // legacy aliases do not go through insertRule/deleteRule in Chromium
        afterMethod(S, 'addRule', (s) => edits.add(s, FULL)),
        afterMethod(S, 'removeRule', (s, a) => edits.add(s, { index: Number(a[0] ?? 0), rule: null })),
      );
    }
    if (G) undo.push(afterMethod(G, 'insertRule', this.#nestedChanged), afterMethod(G, 'deleteRule', this.#nestedChanged));
    undo.push(...declarationPatches(win, this.#ruleChanged));
    // Assigning adoptedStyleSheets: compare at the next flush. push() on the ObservableArray does not
    // call the setter; the flush comparison and a slow poll catch it.
    if (win.Document) undo.push(afterSetter(win.Document.prototype, 'adoptedStyleSheets', this.request));
    if (win.ShadowRoot) undo.push(afterSetter(win.ShadowRoot.prototype, 'adoptedStyleSheets', this.request));
    return undo;
  });

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(root);
    this.#startPoll();
  }

  elementAdded(el: Element): void {
    if (localName(el) === 'style') this.#styleElements.add(el);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(c.document);
    this.#startPoll();
    // The first snapshot reads live state: edits queued before it are already in it. A later one
    // (late viewer) leaves the queue to the next delta; the core flushes before it snapshots.
    const late = this.#started;
    if (!late) this.#edits.clear();
    this.#started = true;
    this.#adoptions.write(c, true, late);
    this.#styleElements.check(c, true);
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    this.#adoptions.write(c, false, false);
    this.#styleElements.check(c, false);
    this.#edits.write(c);
  }

  override stop(): void {
    super.stop();
    this.#edits.clear();
    this.#styleElements.clear();
  }

  #startPoll(): void {
    if (this.#poll) return;
    this.#poll = setInterval(() => {
      const c = this.ctx;
      if (c && this.#adoptions.anyChanged(c.roots())) c.requestFlush();
    }, ADOPTED_POLL_MS);
    this.disposer.add(() => clearInterval(this.#poll));
  }
}
