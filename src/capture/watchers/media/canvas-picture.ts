// The pictures of one canvas. Draw calls only mark it drawn; a picture is taken at most every
// CANVAS_INTERVAL_MS (stretched to twice the last encode's cost), encoded off the main thread. A WebGL
// canvas without preserveDrawingBuffer is read in the task that drew it (its buffer is cleared once
// presented): when throttled, that frame is copied so the last frame of an animation is not lost.
import { createElementNS, ELEMENT_NODE, HTML_NS, nodeType, ownerDocument } from '../../../dom/safe-dom.js';

/**
 * Shortest time between two pictures of one canvas. Measured (Chromium, software GL, 800×600 busy
 * 2D content): `toBlob('image/webp', 0.8)` costs ~0 ms on the main thread (the copy) and finishes in
 * ~170 ms off-thread at ~45 KB; `toDataURL` would block 35 ms (jpeg) to 360 ms (webp). 250 ms gives
 * 4 pictures a second, about what the viewer can show usefully; a slow encode stretches it (below).
 */
export const CANVAS_INTERVAL_MS = 250;
export const CANVAS_TYPE = 'image/webp';
export const CANVAS_QUALITY = 0.8;

/** What a canvas's pictures need from the watcher that owns them. */
export interface PictureOwner {
  readonly stopped: boolean;
  /** Timers to clear when the watcher stops. */
  readonly timers: Set<ReturnType<typeof setTimeout>>;
  /** Whether the canvas's pixels may be sent now. */
  shown(canvas: HTMLCanvasElement): boolean;
  /** A new picture to write. */
  pictureTaken(canvas: HTMLCanvasElement, url: string): void;
  /** The picture of an empty canvas of that size (an untouched canvas sends nothing). */
  blankOf(canvas: HTMLCanvasElement): string;
}

export class CanvasPicture {
  /** Drawn since the last picture started. */
  dirty = false;
  /** The last picture sent (or to send): sent again to a late viewer, and compared to skip repeats. */
  image: string | null = null;
  #encoding = false;
  #lastStart = -Infinity;
  /** How long the last encode took: the interval stretches to twice that (at most half a core). */
  #lastCost = 0;
  #timer: ReturnType<typeof setTimeout> | 0 = 0;
  /** WebGL without preserveDrawingBuffer: a copy of the last frame drawn while throttled. */
  #copy: HTMLCanvasElement | null = null;
  #copyFresh = false;
  /** A microtask of the drawing task will read a WebGL canvas. */
  #settling = false;
  /** WebGL context's preserveDrawingBuffer, read once (getContextAttributes allocates). */
  #preserve: boolean | undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly owner: PictureOwner,
  ) {}

  /** After a draw call. Kept to a flag test: games draw thousands of times a frame. */
  drawn(gl: WebGLRenderingContext | null): void {
    if (gl && !(this.#preserve ??= !!gl.getContextAttributes()?.preserveDrawingBuffer)) {
      // The drawing buffer is cleared once the frame is presented, after this task: read it in a
      // microtask of this same task (when the page's rAF callback has finished drawing).
      this.dirty = true;
      if (!this.#settling) {
        this.#settling = true;
        queueMicrotask(() => this.#settleWebgl());
      }
      return;
    }
    if (this.dirty) return;
    this.dirty = true;
    this.#schedule();
  }

  /** A picture is wanted (the canvas was drawn, or (re)inserted without a current picture). */
  want(): void {
    this.dirty = true;
    this.#schedule();
  }

  #interval(): number {
    return Math.max(CANVAS_INTERVAL_MS, 2 * this.#lastCost);
  }

  #settleWebgl(): void {
    this.#settling = false;
    if (this.owner.stopped || !this.dirty) return;
    const canvas = this.canvas;
    if (!this.#encoding && performance.now() - this.#lastStart >= this.#interval()) return this.#take(canvas);
    // Throttled: keep a copy of this frame (a GPU copy, cheap next to encoding it) so the last frame of
    // an animation that then stops is not lost; the trailing timer encodes the copy.
    const copy = (this.#copy ??= createElementNS(ownerDocument(canvas)!, HTML_NS, 'canvas') as HTMLCanvasElement);
    if (copy.width !== canvas.width) copy.width = canvas.width;
    if (copy.height !== canvas.height) copy.height = canvas.height;
    const g = copy.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, copy.width, copy.height);
    g.drawImage(canvas, 0, 0);
    this.#copyFresh = true;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#encoding) return; // the running encode reschedules when it ends
    const wait = Math.max(0, this.#lastStart + this.#interval() - performance.now());
    const timers = this.owner.timers;
    const t = setTimeout(() => {
      timers.delete(t);
      this.#timer = 0;
      if (this.owner.stopped) return;
      if (this.#copyFresh && this.#copy) this.#take(this.#copy);
      else if (this.dirty) this.#take(this.canvas);
    }, wait);
    this.#timer = t;
    timers.add(t);
  }

  /** Starts a picture of `source` (the canvas or its copy). */
  #take(source: HTMLCanvasElement): void {
    const canvas = this.canvas;
    if (!canvas.isConnected || !this.owner.shown(canvas)) {
      this.dirty = this.#copyFresh = false; // not shown: drop; a new draw marks it again
      return;
    }
    if (!canvas.width || !canvas.height) return;
    this.dirty = this.#copyFresh = false;
    this.#encoding = true;
    const start = (this.#lastStart = performance.now());
    const done = (url: string | null) => {
      this.#encoding = false;
      this.#lastCost = performance.now() - start;
      if (this.owner.stopped) return;
      if (url && url !== this.image && !(this.image === null && url === this.owner.blankOf(canvas))) {
        this.image = url;
        this.owner.pictureTaken(canvas, url);
      }
      if (this.dirty || this.#copyFresh) this.#schedule();
    };
    try {
      source.toBlob(
        (blob) => {
          if (!blob) return done(null);
          const reader = new FileReader();
          reader.onload = () => done(typeof reader.result === 'string' ? reader.result : null);
          reader.onerror = () => done(null);
          reader.readAsDataURL(blob);
        },
        CANVAS_TYPE,
        CANVAS_QUALITY,
      );
    } catch {
      done(null); // a tainted canvas (cross-origin images) cannot be read
    }
  }
}

/** A draw call's canvas, when it is an element (an OffscreenCanvas is not in the page). */
export function canvasElement(canvas: unknown): HTMLCanvasElement | null {
  return canvas && nodeType(canvas as Node) === ELEMENT_NODE ? (canvas as HTMLCanvasElement) : null;
}
