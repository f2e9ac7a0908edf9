// The top window's viewport: inner size and device pixel ratio, written at the snapshot and after a
// resize that changed them.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { defaultView, DOCUMENT_NODE, nodeType } from '../../../dom/safe-dom.js';
import { Watcher } from '../base.js';

export class ViewportSizeWatcher extends Watcher {
  #listening = false;
  #resized = false;
  /** What was last written, as "width,height,dpr". */
  #last = '';

  readonly #onResize = () => {
    this.#resized = true;
    this.request();
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    if (nodeType(root) === DOCUMENT_NODE) this.#listen(c);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    this.#listen(c);
    this.#write(c, true);
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    if (this.#resized) this.#write(c, false);
    this.#resized = false;
  }

  /** Only the top window's size is the viewer's viewport (a frame's is its element's box). */
  #listen(c: CaptureContext): void {
    const win = defaultView(c.document);
    if (this.#listening || !win) return;
    this.#listening = true;
    this.disposer.listen(win, 'resize', this.#onResize, false);
  }

  #write(c: CaptureContext, force: boolean): void {
    const win = defaultView(c.document);
    if (!win) return;
    const key = `${win.innerWidth},${win.innerHeight},${win.devicePixelRatio}`;
    if (!force && key === this.#last) return;
    this.#last = key;
    c.encoder.viewport(win.innerWidth, win.innerHeight, win.devicePixelRatio);
  }
}
