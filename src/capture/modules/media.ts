// Element state that lives outside the DOM tree: media playback, dialog top-layer state, and canvas
// pixels. Media and dialogs are cheap (events and a few patched methods); canvas is not, so draws only
// mark a canvas dirty and pictures are taken on a throttle, encoded off the main thread.
import { DialogState } from '../../protocol/constants.js';
import type { CaptureContext, CaptureModule } from '../context.js';
import { afterMethod } from '../patches.js';
import { Disposer, innerTarget, Realms } from './util.js';
import { HTML_NS, createElementNS, localName, matches, nodeType, ownerDocument } from '../../dom/safe-dom.js';

/**
 * Shortest time between two pictures of one canvas. Measured (Chromium, software GL, 800×600 busy
 * 2D content): `toBlob('image/webp', 0.8)` costs ~0 ms on the main thread (the copy) and finishes in
 * ~170 ms off-thread at ~45 KB; `toDataURL` would block 35 ms (jpeg) to 360 ms (webp). 250 ms gives
 * 4 pictures a second, about what the viewer can show usefully; a slow encode stretches it (below).
 */
export const CANVAS_INTERVAL_MS = 250;
const CANVAS_TYPE = 'image/webp';
const CANVAS_QUALITY = 0.8;

const MEDIA_EVENTS = ['play', 'pause', 'playing', 'seeked', 'ratechange', 'volumechange', 'ended', 'loadedmetadata'];
const DRAW_2D = ['fillRect', 'strokeRect', 'clearRect', 'fill', 'stroke', 'drawImage', 'fillText', 'strokeText', 'putImageData', 'reset'] as const;
const DRAW_GL = ['clear', 'drawArrays', 'drawElements'] as const;
const DRAW_GL2 = ['drawArraysInstanced', 'drawElementsInstanced', 'drawRangeElements', 'clearBufferfv', 'clearBufferiv', 'clearBufferuiv', 'clearBufferfi', 'blitFramebuffer'] as const;

interface CanvasState {
  /** Drawn since the last picture started. */
  dirty: boolean;
  inFlight: boolean;
  lastStart: number;
  /** How long the last encode took: the interval stretches to twice that (at most half a core). */
  lastCost: number;
  timer: ReturnType<typeof setTimeout> | 0;
  /** The last picture sent (or to send): sent again to a late viewer, and compared to skip repeats. */
  image: string | null;
  /** WebGL without preserveDrawingBuffer: a copy of the last frame drawn while throttled. */
  scratch: HTMLCanvasElement | null;
  scratchFresh: boolean;
  microtask: boolean;
  /** WebGL context's preserveDrawingBuffer, read once (getContextAttributes allocates). */
  preserve: boolean | undefined;
}

export function createMediaModule(): CaptureModule {
  const d = new Disposer();
  let ctx: CaptureContext | null = null;
  let stopped = false;
  const media = new Set<HTMLMediaElement>();
  const dialogs = new Set<HTMLDialogElement>();
  const lastDialog = new WeakMap<Element, DialogState>();
  const canvases = new WeakMap<HTMLCanvasElement, CanvasState>();
  /** Canvases serialized since the last frame. */
  let newCanvases: HTMLCanvasElement[] = [];
  /** Pictures ready to write. */
  const pictures = new Map<HTMLCanvasElement, string>();
  const blanks = new Map<string, string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const onMedia = (e: Event) => {
    const t = innerTarget(e) as Element | null;
    if (t && nodeType(t) === 1 && (localName(t) === 'video' || localName(t) === 'audio')) {
      media.add(t as HTMLMediaElement);
      ctx?.requestFlush();
    }
  };
  const markDialog = (el: unknown) => {
    const t = el as Element | null;
    if (t && nodeType(t) === 1 && localName(t) === 'dialog') {
      dialogs.add(t as HTMLDialogElement);
      ctx?.requestFlush();
    }
  };

  // ---- canvas ---------------------------------------------------------------------------------------

  function stateOf(canvas: HTMLCanvasElement): CanvasState {
    let s = canvases.get(canvas);
    if (!s) {
      s = { dirty: false, inFlight: false, lastStart: -Infinity, lastCost: 0, timer: 0, image: null, scratch: null, scratchFresh: false, microtask: false, preserve: undefined };
      canvases.set(canvas, s);
    }
    return s;
  }
  const interval = (s: CanvasState) => Math.max(CANVAS_INTERVAL_MS, 2 * s.lastCost);

  /** After a draw call. Kept to a WeakMap lookup and a flag test: games draw thousands of times a frame. */
  function drawn(canvas: unknown, webgl: boolean, gl?: WebGLRenderingContext): void {
    const c = canvas as HTMLCanvasElement;
    if (stopped || !c || nodeType(c) !== 1) return; // OffscreenCanvas: not in the page
    const s = stateOf(c);
    if (webgl && !(s.preserve ??= !!gl?.getContextAttributes()?.preserveDrawingBuffer)) {
      // The drawing buffer is cleared once the frame is presented, after this task: read it in a
      // microtask of this same task (when the page's rAF callback has finished drawing).
      s.dirty = true;
      if (!s.microtask) {
        s.microtask = true;
        queueMicrotask(() => settleWebgl(c, s));
      }
      return;
    }
    if (s.dirty) return;
    s.dirty = true;
    schedule(c, s);
  }

  function settleWebgl(canvas: HTMLCanvasElement, s: CanvasState): void {
    s.microtask = false;
    if (stopped || !s.dirty) return;
    if (!s.inFlight && performance.now() - s.lastStart >= interval(s)) return take(canvas, s, canvas);
    // Throttled: keep a copy of this frame (a GPU copy, cheap next to encoding it) so the last frame of
    // an animation that then stops is not lost; the trailing timer encodes the copy.
    const scratch = (s.scratch ??= createElementNS(ownerDocument(canvas)!, HTML_NS, 'canvas') as HTMLCanvasElement);
    if (scratch.width !== canvas.width) scratch.width = canvas.width;
    if (scratch.height !== canvas.height) scratch.height = canvas.height;
    const g = scratch.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, scratch.width, scratch.height);
    g.drawImage(canvas, 0, 0);
    s.scratchFresh = true;
    schedule(canvas, s);
  }

  function schedule(canvas: HTMLCanvasElement, s: CanvasState): void {
    if (s.timer || s.inFlight) return; // the running encode reschedules when it ends
    const wait = Math.max(0, s.lastStart + interval(s) - performance.now());
    const t = setTimeout(() => {
      timers.delete(t);
      s.timer = 0;
      if (stopped) return;
      if (s.scratchFresh && s.scratch) take(canvas, s, s.scratch);
      else if (s.dirty) take(canvas, s, canvas);
    }, wait);
    s.timer = t;
    timers.add(t);
  }

  /** Starts a picture of `source` (the canvas or its copy) for `canvas`. */
  function take(canvas: HTMLCanvasElement, s: CanvasState, source: HTMLCanvasElement): void {
    const c = ctx;
    if (!c || !canvas.isConnected || !shown(c, canvas)) {
      s.dirty = s.scratchFresh = false; // not shown: drop; a new draw marks it again
      return;
    }
    if (!canvas.width || !canvas.height) return;
    s.dirty = s.scratchFresh = false;
    s.inFlight = true;
    const start = (s.lastStart = performance.now());
    const done = (url: string | null) => {
      s.inFlight = false;
      s.lastCost = performance.now() - start;
      if (stopped) return;
      if (url && url !== s.image && !(s.image === null && url === blankOf(canvas))) {
        s.image = url;
        pictures.set(canvas, url);
        ctx?.requestFlush();
      }
      if (s.dirty || s.scratchFresh) schedule(canvas, s);
    };
    try {
      source.toBlob((blob) => {
        if (!blob) return done(null);
        const reader = new FileReader();
        reader.onload = () => done(typeof reader.result === 'string' ? reader.result : null);
        reader.onerror = () => done(null);
        reader.readAsDataURL(blob);
      }, CANVAS_TYPE, CANVAS_QUALITY);
    } catch {
      done(null); // a tainted canvas (cross-origin images) cannot be read
    }
  }

  /** The picture of an empty canvas of that size, so an untouched canvas sends nothing. */
  function blankOf(canvas: HTMLCanvasElement): string {
    const key = `${canvas.width}x${canvas.height}`;
    let b = blanks.get(key);
    if (b === undefined) {
      const e = createElementNS(ownerDocument(canvas)!, HTML_NS, 'canvas') as HTMLCanvasElement;
      e.width = canvas.width;
      e.height = canvas.height;
      blanks.set(key, (b = e.toDataURL(CANVAS_TYPE, CANVAS_QUALITY)));
    }
    return b;
  }

  const realms = new Realms(d, (win) => {
    const undo: Array<() => void> = [];
    const C2 = win.CanvasRenderingContext2D?.prototype;
    if (C2) for (const m of DRAW_2D) undo.push(afterMethod(C2, m, (g) => drawn(g.canvas, false)));
    const GL = win.WebGLRenderingContext?.prototype;
    if (GL) for (const m of DRAW_GL) undo.push(afterMethod(GL, m, (g) => drawn(g.canvas, true, g)));
    const GL2 = win.WebGL2RenderingContext?.prototype;
    if (GL2) {
      for (const m of DRAW_GL) undo.push(afterMethod(GL2, m, (g) => drawn(g.canvas, true, g)));
      for (const m of DRAW_GL2) undo.push(afterMethod(GL2, m, (g) => drawn(g.canvas, true, g)));
    }
    const BR = win.ImageBitmapRenderingContext?.prototype;
    if (BR) undo.push(afterMethod(BR, 'transferFromImageBitmap', (g) => drawn(g.canvas, false)));
    const D = win.HTMLDialogElement?.prototype;
    if (D) for (const m of ['show', 'showModal', 'close'] as const) undo.push(afterMethod(D, m, markDialog));
    return undo;
  });

  // ---- writing --------------------------------------------------------------------------------------

  function writeMedia(c: CaptureContext, el: HTMLMediaElement): void {
    const id = c.id(el);
    if (id && !c.mask.isBlocked(el)) c.encoder.media(id, el.paused, el.currentTime, el.playbackRate, el.muted);
  }

  function dialogState(el: HTMLDialogElement): DialogState {
    if (!el.open) return DialogState.Closed;
    try {
      return matches(el, ':modal') ? DialogState.Modal : DialogState.Open;
    } catch {
      return DialogState.Open; // a browser without :modal
    }
  }

  function writeDialog(c: CaptureContext, el: HTMLDialogElement, force: boolean): void {
    const id = c.id(el);
    if (!id) return;
    const state = dialogState(el);
    if (force ? state === DialogState.Closed : lastDialog.get(el) === state) return;
    lastDialog.set(el, state);
    c.encoder.dialog(id, state);
  }

  function writePictures(c: CaptureContext): void {
    for (const [canvas, url] of pictures) {
      if (shown(c, canvas)) c.encoder.canvas(c.id(canvas), url);
    }
    pictures.clear();
  }

  return {
    tags: ['video', 'audio', 'dialog', 'canvas'],
    rootAdded(root, c) {
      ctx = c;
      realms.add(root);
      // media events and `close` do not bubble: the capture phase on each root still sees them
      for (const type of MEDIA_EVENTS) d.listen(root, type, onMedia);
      d.listen(root, 'close', (e) => markDialog(innerTarget(e)));
    },
    elementAdded(el) {
      const n = localName(el);
      if (n === 'video' || n === 'audio') media.add(el as HTMLMediaElement);
      else if (n === 'dialog') dialogs.add(el as HTMLDialogElement);
      else if (n === 'canvas') newCanvases.push(el as HTMLCanvasElement);
    },
    snapshot(c) {
      ctx = c;
      realms.add(c.document);
      for (const el of media) writeMedia(c, el);
      media.clear();
      for (const el of dialogs) writeDialog(c, el, true);
      dialogs.clear();
      for (const canvas of newCanvases) {
        const s = stateOf(canvas);
        // the last picture is current unless drawn since; otherwise a new one comes in a delta
        if (s.image && shown(c, canvas)) c.encoder.canvas(c.id(canvas), s.image);
        if (!s.image || s.dirty) {
          s.dirty = true;
          schedule(canvas, s);
        }
      }
      newCanvases = [];
    },
    flush(c) {
      ctx = c;
      for (const el of media) writeMedia(c, el);
      media.clear();
      for (const el of dialogs) writeDialog(c, el, false);
      dialogs.clear();
      for (const canvas of newCanvases) {
        // a canvas (re)inserted: the viewer's new element is blank; the last picture is still right
        // unless drawn since
        const s = stateOf(canvas);
        if (s.image) pictures.set(canvas, s.image);
        if (!s.image || s.dirty) {
          s.dirty = true;
          schedule(canvas, s);
        }
      }
      newCanvases = [];
      writePictures(c);
    },
    stop() {
      stopped = true;
      d.dispose();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      media.clear();
      dialogs.clear();
      pictures.clear();
      newCanvases = [];
      ctx = null;
    },
  };
}

/** A canvas whose pixels may be sent: captured, not a blocked placeholder, not under masked text. */
function shown(c: CaptureContext, canvas: HTMLCanvasElement): boolean {
  return !!c.id(canvas) && !c.mask.isBlocked(canvas) && !c.mask.isTextMaskedAt(canvas);
}
