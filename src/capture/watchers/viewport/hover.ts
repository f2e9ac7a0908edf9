// The hovered element: the innermost one under the pointer that the viewer has (through open and
// closed shadow roots), or none when the pointer left the window.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { DOCUMENT_NODE, nodeType } from '../../../dom/safe-dom.js';
import { Watcher } from '../base.js';
import { capturedElement, innerTarget } from '../targets.js';

export class HoverWatcher extends Watcher {
  /** A mouseover or mouseout since the last flush; `target` is the latest (null: left the window). */
  #changed = false;
  #target: Node | null = null;
  /** The id last written, and its element (written again at a resync snapshot). */
  #last = -1;
  #hovered: Element | null = null;

  readonly #onOver = (e: Event) => {
    this.#target = innerTarget(e) as Node | null;
    this.#changed = true;
    this.request();
  };
  readonly #onOut = (e: Event) => {
    // leaving the window: nothing is hovered
    if ((e as MouseEvent).relatedTarget) return;
    this.#target = null;
    this.#changed = true;
    this.request();
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    // a listener on each root: a closed shadow root's own listener is the only one that sees inside it
    this.disposer.listen(root, 'mouseover', this.#onOver);
    if (nodeType(root) === DOCUMENT_NODE) this.disposer.listen(root, 'mouseout', this.#onOut);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    const id = this.#hovered ? c.id(this.#hovered) : 0;
    if (id) c.encoder.hover(id);
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    if (!this.#changed) return;
    const el = this.#target ? capturedElement(this.#target, (n) => c.id(n)) : null;
    this.#changed = false;
    this.#target = null;
    const id = el ? c.id(el) : 0;
    if (id === this.#last) return;
    this.#last = id;
    this.#hovered = el;
    c.encoder.hover(id);
  }
}
