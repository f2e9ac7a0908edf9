// Scroll positions of documents and elements. Scroll events only record their target (no layout read
// in a handler); the flush reads each scrolled target's position once.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { defaultView, DOCUMENT_NODE, ELEMENT_NODE, isConnected, nodeType } from '../../../dom/safe-dom.js';
import { scrollLeft, scrollTop } from '../../dom.js';
import { Watcher } from '../base.js';
import { innerTarget } from '../targets.js';

export class ScrollWatcher extends Watcher {
  /** Scrolled targets since the last flush: elements or documents. */
  readonly #scrolled = new Set<Element | Document>();
  /** The position last written per target, as "x,y". */
  readonly #last = new WeakMap<Node, string>();
  /** Elements written since the last frame: checked for a scroll position off the event path. */
  #added: Element[] = [];
  /**
   * Elements of the snapshot being written that are scrolled, found as each is written: one read per
   * element in the snapshot's slices (100k reads at the end took ~77 ms in one task).
   */
  #scrolledAtSnapshot: Element[] = [];
  #addedCheck = 0;

  readonly #onScroll = (e: Event) => {
    const t = innerTarget(e) as Node | null;
    if (!t) return;
    const type = nodeType(t);
    if (type !== DOCUMENT_NODE && type !== ELEMENT_NODE) return;
    this.#scrolled.add(t as Element | Document);
    this.request();
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    this.disposer.listen(root, 'scroll', this.#onScroll);
  }

  elementAdded(el: Element, _id: number, _c: CaptureContext, snapshot: boolean): void {
    if (snapshot) {
      if (scrollTop(el) || scrollLeft(el)) this.#scrolledAtSnapshot.push(el);
    } // bounded: rAF does not run in a hidden tab, and this list must not grow without end there
    else if (this.#added.length < 1_000_000) this.#added.push(el);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    for (const root of c.roots()) if (nodeType(root) === DOCUMENT_NODE) this.#write(c, root as Document, true);
    for (const el of this.#scrolledAtSnapshot) this.#write(c, el, true);
    this.#scrolledAtSnapshot = [];
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    for (const t of this.#scrolled) this.#write(c, t, false);
    this.#scrolled.clear();
    this.#checkAddedLater();
  }

  override stop(): void {
    super.stop();
    if (this.#addedCheck) cancelAnimationFrame(this.#addedCheck);
    this.#addedCheck = 0;
    this.#scrolled.clear();
    this.#added = [];
    this.#scrolledAtSnapshot = [];
  }

  #write(c: CaptureContext, t: Element | Document, force: boolean): void {
    const id = c.id(t);
    if (!id) return;
    let x: number, y: number;
    if (nodeType(t) === DOCUMENT_NODE) {
      const win = defaultView(t as Document);
      if (!win) return;
      x = win.scrollX;
      y = win.scrollY;
    } else {
      x = scrollLeft(t as Element);
      y = scrollTop(t as Element);
    }
    x = Math.round(x);
    y = Math.round(y);
    const key = `${x},${y}`;
    if (!force && this.#last.get(t) === key) return;
    if (force && x === 0 && y === 0) return; // the default: nothing to say at a snapshot
    this.#last.set(t, key);
    c.encoder.scroll(id, x, y);
  }

  /**
   * Elements that came into capture after the snapshot almost always have scroll 0 (a node inserted
   * into the document starts unscrolled), but a subtree that was blocked and is unblocked is not
   * new. Checking them in the flush would force a layout in the middle of the page's work, so they
   * are read in the next animation frame, when the browser lays out anyway.
   */
  #checkAddedLater(): void {
    if (!this.#added.length || this.#addedCheck) return;
    const list = this.#added;
    this.#added = [];
    this.#addedCheck = requestAnimationFrame(() => {
      this.#addedCheck = 0;
      let any = false;
      for (const el of list) {
        if (isConnected(el) && (scrollTop(el) || scrollLeft(el))) {
          this.#scrolled.add(el);
          any = true;
        }
      }
      if (any) this.request();
    });
  }
}
