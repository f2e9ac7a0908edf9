// The text selection of the document, outside form fields. The Selection getters force a layout, so a
// selectionchange only schedules a read in the next animation frame (where the browser lays out
// anyway), and a flush without one never reads it.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { defaultView, DOCUMENT_NODE, ELEMENT_NODE, getSelection, nodeType, ownerDocument } from '../../../dom/safe-dom.js';
import { Watcher } from '../base.js';

export class SelectionWatcher extends Watcher {
  /** The document of the last selectionchange (a same-origin frame's, or the top one). */
  #doc: Document | null = null;
  /** A selectionchange was seen and its animation frame has passed: the flush reads the selection. */
  #ready = false;
  /** The pending read's animation frame, and the window it was requested from. */
  #frame = 0;
  #frameWin: Window = window;
  /** What was last written, as "anchor,anchorOffset,focus,focusOffset". */
  #last = '';

  readonly #onSelection = (e: Event) => {
    const t = e.target as Node | null;
    // Chromium fires selectionchange at an <input>/<textarea> for caret moves inside it: selections
    // inside fields are not mirrored, and reading them would lay out the page on every keystroke
    if (t && nodeType(t) === ELEMENT_NODE) return;
    this.#doc = t ? (nodeType(t) === DOCUMENT_NODE ? (t as Document) : ownerDocument(t)) : null;
    if (this.#frame) return;
    this.#frameWin = (this.#doc && defaultView(this.#doc)) ?? window;
    this.#frame = this.#frameWin.requestAnimationFrame(() => {
      this.#frame = 0;
      this.#ready = true;
      this.request();
    });
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    // selectionchange fires at documents (and at fields, see above), never inside shadow roots
    if (nodeType(root) === DOCUMENT_NODE) this.disposer.listen(root, 'selectionchange', this.#onSelection);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    this.#write(c, true);
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    if (this.#ready) this.#write(c, false);
  }

  override stop(): void {
    super.stop();
    if (this.#frame) this.#frameWin.cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #write(c: CaptureContext, force: boolean): void {
    this.#ready = false;
    const sel = getSelection(this.#doc ?? c.document);
    let a = 0,
      ao = 0,
      f = 0,
      fo = 0;
    if (sel && sel.rangeCount && sel.anchorNode && sel.focusNode && !sel.isCollapsed) {
      a = c.id(sel.anchorNode);
      f = c.id(sel.focusNode);
      if (a && f) {
        ao = sel.anchorOffset;
        fo = sel.focusOffset;
      } else a = f = 0;
    }
    const key = `${a},${ao},${f},${fo}`;
    if (!force && key === this.#last) return;
    this.#last = key;
    if (force && !a) return;
    c.encoder.selection(a, ao, f, fo);
  }
}
