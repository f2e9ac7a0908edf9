// Canvas pixels: the draw methods of each realm's 2D, WebGL and bitmap contexts are patched to mark
// their canvas drawn (see canvas-picture.ts for when pictures are taken); finished pictures are
// written at the next frame, and a canvas written again (resync, re-insertion) gets its last picture.
import type { CaptureContext, CaptureRoot } from '../../context.js';
import { afterMethod } from '../../patches.js';
import { Realms, Watcher } from '../base.js';
import { CANVAS_QUALITY, CANVAS_TYPE, canvasElement, CanvasPicture, type PictureOwner } from './canvas-picture.js';
import { createElementNS, HTML_NS, ownerDocument } from '../../../dom/safe-dom.js';

const DRAW_2D = [
  'fillRect',
  'strokeRect',
  'clearRect',
  'fill',
  'stroke',
  'drawImage',
  'fillText',
  'strokeText',
  'putImageData',
  'reset',
] as const;
const DRAW_GL = ['clear', 'drawArrays', 'drawElements'] as const;
const DRAW_GL2 = [
  'drawArraysInstanced',
  'drawElementsInstanced',
  'drawRangeElements',
  'clearBufferfv',
  'clearBufferiv',
  'clearBufferuiv',
  'clearBufferfi',
  'blitFramebuffer',
] as const;

export class CanvasWatcher extends Watcher implements PictureOwner {
  readonly tags = ['canvas'];
  stopped = false;
  readonly timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #canvases = new WeakMap<HTMLCanvasElement, CanvasPicture>();
  /** Canvases written since the last frame. */
  #added: HTMLCanvasElement[] = [];
  /** Pictures ready to write. */
  readonly #pictures = new Map<HTMLCanvasElement, string>();
  readonly #blanks = new Map<string, string>();

  readonly #drawn2d = (g: { canvas: unknown }) => this.#drawn(g.canvas, null);
  readonly #drawnGl = (g: WebGLRenderingContext) => this.#drawn(g.canvas, g);

  readonly #realms = new Realms(this.disposer, (win) => {
    const undo: Array<() => void> = [];
    const C2 = win.CanvasRenderingContext2D?.prototype;
    if (C2) for (const m of DRAW_2D) undo.push(afterMethod(C2, m, this.#drawn2d));
    const GL = win.WebGLRenderingContext?.prototype;
    if (GL) for (const m of DRAW_GL) undo.push(afterMethod(GL, m, this.#drawnGl));
    const GL2 = win.WebGL2RenderingContext?.prototype;
    if (GL2) {
      for (const m of DRAW_GL) undo.push(afterMethod(GL2, m, this.#drawnGl));
      for (const m of DRAW_GL2) undo.push(afterMethod(GL2, m, this.#drawnGl));
    }
    const BR = win.ImageBitmapRenderingContext?.prototype;
    if (BR) undo.push(afterMethod(BR, 'transferFromImageBitmap', this.#drawn2d));
    return undo;
  });

  rootAdded(root: CaptureRoot, c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(root);
  }

  elementAdded(el: Element): void {
    this.#added.push(el as HTMLCanvasElement);
  }

  snapshot(c: CaptureContext): void {
    this.ctx = c;
    this.#realms.add(c.document);
    for (const canvas of this.#added) {
      const p = this.#pictureOf(canvas);
      // the last picture is current unless drawn since; otherwise a new one comes in a delta
      if (p.image && this.shown(canvas)) c.encoder.canvas(c.id(canvas), p.image);
      if (!p.image || p.dirty) p.want();
    }
    this.#added = [];
  }

  flush(c: CaptureContext): void {
    this.ctx = c;
    for (const canvas of this.#added) {
      // a canvas (re)inserted: the viewer's new element is blank; the last picture is still right
      // unless drawn since
      const p = this.#pictureOf(canvas);
      if (p.image) this.#pictures.set(canvas, p.image);
      if (!p.image || p.dirty) p.want();
    }
    this.#added = [];
    for (const [canvas, url] of this.#pictures) if (this.shown(canvas)) c.encoder.canvas(c.id(canvas), url);
    this.#pictures.clear();
  }

  override stop(): void {
    this.stopped = true;
    super.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.#pictures.clear();
    this.#added = [];
  }

  /** A canvas whose pixels may be sent: captured, not a blocked placeholder, not under masked text. */
  shown(canvas: HTMLCanvasElement): boolean {
    const c = this.ctx;
    return !!c && !!c.id(canvas) && !c.mask.isBlocked(canvas) && !c.mask.isTextMaskedAt(canvas);
  }

  pictureTaken(canvas: HTMLCanvasElement, url: string): void {
    this.#pictures.set(canvas, url);
    this.request();
  }

  blankOf(canvas: HTMLCanvasElement): string {
    const key = `${canvas.width}x${canvas.height}`;
    let b = this.#blanks.get(key);
    if (b === undefined) {
      const e = createElementNS(ownerDocument(canvas)!, HTML_NS, 'canvas') as HTMLCanvasElement;
      e.width = canvas.width;
      e.height = canvas.height;
      this.#blanks.set(key, (b = e.toDataURL(CANVAS_TYPE, CANVAS_QUALITY)));
    }
    return b;
  }

  /** After a draw call: a WeakMap lookup and a flag test (games draw thousands of times a frame). */
  #drawn(canvas: unknown, gl: WebGLRenderingContext | null): void {
    const el = this.stopped ? null : canvasElement(canvas);
    if (el) this.#pictureOf(el).drawn(gl);
  }

  #pictureOf(canvas: HTMLCanvasElement): CanvasPicture {
    let p = this.#canvases.get(canvas);
    if (!p) this.#canvases.set(canvas, (p = new CanvasPicture(canvas, this)));
    return p;
  }
}
