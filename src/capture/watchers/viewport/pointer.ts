// Where the pointer is and where the customer clicks, in top-viewport coordinates. Moves arrive at
// high rates, so they are sampled: the latest position is written at most every POINTER_INTERVAL_MS
// (a trailing timer sends the last one). Every click is written.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { defaultView, DOCUMENT_NODE, nodeType, ownerDocument } from '../../../dom/safe-dom.js';
import { Watcher } from '../base.js';

/**
 * Pointer moves are sent at most this often. rrweb samples at 50 ms; the viewer eases the cursor
 * between samples, and 33 ms (30 Hz) keeps it visibly smooth for about 5 bytes per sample while
 * costing the sharer at most 30 flushes a second (each one a frame of a few bytes).
 */
export const POINTER_INTERVAL_MS = 33;

interface At {
  x: number;
  y: number;
  view: Window | null;
}

export class PointerWatcher extends Watcher {
  /** The latest move not written yet (null: none). */
  #moved: At | null = null;
  #lastSent = -Infinity;
  #timer: ReturnType<typeof setTimeout> | 0 = 0;
  readonly #clicks: At[] = [];

  readonly #onMove = (e: Event) => {
    const m = e as PointerEvent;
    this.#moved = { x: m.clientX, y: m.clientY, view: m.view };
    if (this.#timer) return;
    const wait = this.#lastSent + POINTER_INTERVAL_MS - performance.now();
    if (wait <= 0) return this.request();
    this.#timer = setTimeout(() => {
      this.#timer = 0;
      this.request();
    }, wait);
  };
  readonly #onClick = (e: Event) => {
    const m = e as MouseEvent;
    // keyboard activation and el.click() report (0, 0): not a click anyone saw at a place
    if (m.detail === 0 && m.clientX === 0 && m.clientY === 0) return;
    this.#clicks.push({ x: m.clientX, y: m.clientY, view: m.view });
    this.request();
  };

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    if (nodeType(root) !== DOCUMENT_NODE) return;
    // composed events reach the document; one listener per document avoids counting twice
    this.disposer.listen(root, 'pointermove', this.#onMove);
    this.disposer.listen(root, 'click', this.#onClick);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c; // a position is not state: the next move says where the pointer is
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    if (this.#moved) {
      const [x, y] = toTopViewport(this.#moved.x, this.#moved.y, this.#moved.view);
      c.encoder.pointer(x, y);
      this.#moved = null;
      this.#lastSent = performance.now();
    }
    for (const k of this.#clicks) {
      const [x, y] = toTopViewport(k.x, k.y, k.view);
      c.encoder.click(x, y);
    }
    this.#clicks.length = 0;
  }

  override stop(): void {
    super.stop();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = 0;
    this.#clicks.length = 0;
  }
}

/** Client coordinates in `view` (a same-origin frame's window, or the top one) moved into the top viewport, rounded. */
export function toTopViewport(x: number, y: number, view: Window | null): [number, number] {
  let w = view;
  try {
    while (w && w.frameElement) {
      const frame = w.frameElement as HTMLElement;
      const r = frame.getBoundingClientRect();
      x += r.left + frame.clientLeft;
      y += r.top + frame.clientTop;
      w = defaultView(ownerDocument(frame)!);
    }
  } catch {
    // a cross-origin parent: keep what we have
  }
  return [Math.round(x), Math.round(y)];
}
