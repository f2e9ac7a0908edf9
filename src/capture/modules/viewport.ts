// Where the customer is looking and pointing: viewport size, scroll positions, focus, text selection,
// hover, pointer and clicks. All of it arrives at high rates, so handlers only record the latest target
// (no layout reads in event handlers) and the flush reads the live state once per frame.
import { frameDocument } from '../ids.js';
import type { CaptureContext, CaptureModule, CaptureRoot } from '../context.js';
import { capturedElement, Disposer, innerTarget } from './util.js';
import { activeElement, defaultView, getSelection, isConnected, localName, nodeType, ownerDocument, shadowRoot } from '../../dom/safe-dom.js';
import { scrollLeft, scrollTop } from '../dom.js';

/**
 * Pointer moves are sent at most this often. rrweb samples at 50 ms; the viewer eases the cursor
 * between samples, and 33 ms (30 Hz) keeps it visibly smooth for about 5 bytes per sample while
 * costing the sharer at most 30 flushes a second (each one a frame of a few bytes).
 */
export const POINTER_INTERVAL_MS = 33;

export function createViewportModule(): CaptureModule {
  const d = new Disposer();
  let ctx: CaptureContext | null = null;
  const windowsSeen = new WeakSet<Window>();

  // ---- state recorded by the handlers, written at flush ----
  let viewportDirty = false;
  let lastViewport = '';
  /** Scrolled targets: elements or documents. */
  const scrolled = new Set<Element | Document>();
  const lastScroll = new WeakMap<Node, string>();
  /** Elements serialized since the last frame: checked for a scroll position off the event path. */
  let added: Element[] = [];
  let addedCheck = 0;
  let focusDirty = false;
  let lastFocus = -1;
  let selectionDoc: Document | null = null;
  /** A selectionchange fired since the selection was last written (the Selection getters lay out). */
  let selectionDirty = false;
  let lastSelection = '';
  let hoverTarget: Node | null | undefined; // undefined: unchanged
  let lastHover = -1;
  let hovered: Element | null = null;
  let pointer: { x: number; y: number; view: Window | null } | null = null;
  let lastPointerSent = -Infinity;
  let pointerTimer: ReturnType<typeof setTimeout> | 0 = 0;
  const clicks: Array<{ x: number; y: number; view: Window | null }> = [];

  const request = () => ctx?.requestFlush();

  const onScroll = (e: Event) => {
    const t = innerTarget(e) as Node | null;
    if (!t) return;
    if (nodeType(t) === 9) scrolled.add(t as Document);
    else if (nodeType(t) === 1) scrolled.add(t as Element);
    else return;
    request();
  };
  const onFocus = () => {
    focusDirty = true;
    request();
  };
  let selectionFrame = 0;
  let selectionWin: Window = window;
  const onSelection = (e: Event) => {
    const t = e.target as Node | null;
    // Chromium fires selectionchange at an <input>/<textarea> for caret moves inside it: selections
    // inside fields are not mirrored, and reading them would lay out the page on every keystroke
    if (t && nodeType(t) === 1) return;
    selectionDoc = t ? (nodeType(t) === 9 ? (t as Document) : ownerDocument(t)) : null;
    if (selectionFrame) return;
    // the Selection getters force a layout: read them in the next animation frame, where the
    // browser lays out anyway, not in the middle of the page's own work
    selectionWin = (selectionDoc && defaultView(selectionDoc)) ?? window;
    selectionFrame = selectionWin.requestAnimationFrame(() => {
      selectionFrame = 0;
      selectionDirty = true;
      request();
    });
  };
  const onOver = (e: Event) => {
    hoverTarget = innerTarget(e) as Node | null;
    request();
  };
  const onOut = (e: Event) => {
    // leaving the window: nothing is hovered
    if (!(e as MouseEvent).relatedTarget) {
      hoverTarget = null;
      request();
    }
  };
  const onMove = (e: Event) => {
    const m = e as PointerEvent;
    pointer = { x: m.clientX, y: m.clientY, view: m.view };
    if (pointerTimer) return;
    const wait = lastPointerSent + POINTER_INTERVAL_MS - performance.now();
    if (wait <= 0) return request();
    pointerTimer = setTimeout(() => {
      pointerTimer = 0;
      request();
    }, wait);
  };
  const onClick = (e: Event) => {
    const m = e as MouseEvent;
    // keyboard activation and el.click() report (0, 0): not a click anyone saw at a place
    if (m.detail === 0 && m.clientX === 0 && m.clientY === 0) return;
    clicks.push({ x: m.clientX, y: m.clientY, view: m.view });
    request();
  };
  const onResize = () => {
    viewportDirty = true;
    request();
  };

  /** Coordinates in a same-origin frame, moved into the top viewport. */
  function toTop(x: number, y: number, view: Window | null): [number, number] {
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

  function writeViewport(c: CaptureContext, force: boolean): void {
    const win = defaultView(c.document);
    if (!win) return;
    const key = `${win.innerWidth},${win.innerHeight},${win.devicePixelRatio}`;
    if (!force && key === lastViewport) return;
    lastViewport = key;
    c.encoder.viewport(win.innerWidth, win.innerHeight, win.devicePixelRatio);
  }

  function writeScroll(c: CaptureContext, t: Element | Document, force: boolean): void {
    const id = c.id(t);
    if (!id) return;
    let x: number, y: number;
    if (nodeType(t) === 9) {
      const win = defaultView((t as Document));
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
    if (!force && lastScroll.get(t) === key) return;
    if (force && x === 0 && y === 0) return; // the default: nothing to say at a snapshot
    lastScroll.set(t, key);
    c.encoder.scroll(id, x, y);
  }

  /** The deepest focused element, through shadow roots and same-origin frames, that is captured. */
  function focusedId(c: CaptureContext): number {
    let el: Element | null = activeElement(c.document);
    let deepest: Element | null = null;
    for (let guard = 0; el && guard < 1000; guard++) {
      if (c.id(el)) deepest = el;
      const inner: Element | null =
        shadowActiveOf(el) ??
        (localName(el) === 'iframe' || localName(el) === 'frame' ? frameActiveOf(el as HTMLIFrameElement) : null);
      if (!inner || inner === el) break;
      el = inner;
    }
    // body (or nothing) focused means no field has focus
    if (!deepest || localName(deepest) === 'body' || localName(deepest) === 'html') return 0;
    return c.id(deepest);
  }

  function writeFocus(c: CaptureContext, force: boolean): void {
    const id = focusedId(c);
    if (!force && id === lastFocus) return;
    if (force && id === 0) {
      lastFocus = 0;
      return;
    }
    lastFocus = id;
    c.encoder.focus(id);
  }

  function writeSelection(c: CaptureContext, force: boolean): void {
    selectionDirty = false;
    const doc = selectionDoc ?? c.document;
    const sel = getSelection(doc);
    let a = 0, ao = 0, f = 0, fo = 0;
    if (sel && sel.rangeCount && sel.anchorNode && sel.focusNode && !sel.isCollapsed) {
      a = c.id(sel.anchorNode);
      f = c.id(sel.focusNode);
      if (a && f) {
        ao = sel.anchorOffset;
        fo = sel.focusOffset;
      } else a = f = 0;
    }
    const key = `${a},${ao},${f},${fo}`;
    if (!force && key === lastSelection) return;
    lastSelection = key;
    if (force && !a) return;
    c.encoder.selection(a, ao, f, fo);
  }

  function writeHover(c: CaptureContext): void {
    if (hoverTarget === undefined) return;
    const el = hoverTarget ? capturedElement(hoverTarget, (n) => c.id(n)) : null;
    hoverTarget = undefined;
    const id = el ? c.id(el) : 0;
    if (id === lastHover) return;
    lastHover = id;
    hovered = el;
    c.encoder.hover(id);
  }

  /**
   * Elements that came into capture after the snapshot almost always have scroll 0 (a node inserted
   * into the document starts unscrolled), but a subtree that was blocked and is unblocked is not
   * new. Checking them in the flush would force a layout in the middle of the page's work, so they
   * are read in the next animation frame, when the browser lays out anyway.
   */
  function checkAddedLater(): void {
    if (!added.length || addedCheck) return;
    const list = added;
    added = [];
    addedCheck = requestAnimationFrame(() => {
      addedCheck = 0;
      let any = false;
      for (const el of list) {
        if (isConnected(el) && (scrollTop(el) || scrollLeft(el))) {
          scrolled.add(el);
          any = true;
        }
      }
      if (any) request();
    });
  }

  function watchWindow(win: Window | null): void {
    if (!win || windowsSeen.has(win)) return;
    windowsSeen.add(win);
    if (ctx && win === defaultView(ctx.document)) d.listen(win, 'resize', onResize, false);
  }

  return {
    rootAdded(root: CaptureRoot, c) {
      ctx = c;
      d.listen(root, 'scroll', onScroll);
      d.listen(root, 'focusin', onFocus);
      d.listen(root, 'focusout', onFocus);
      d.listen(root, 'mouseover', onOver);
      if (nodeType(root) === 9) {
        // composed events reach the document; one listener per document avoids counting twice
        const doc = root as Document;
        d.listen(doc, 'selectionchange', onSelection);
        d.listen(doc, 'pointermove', onMove);
        d.listen(doc, 'click', onClick);
        d.listen(doc, 'mouseout', onOut);
        watchWindow(defaultView(doc));
      }
    },
    elementAdded(el) {
      // bounded: rAF does not run in a hidden tab, and this list must not grow without end there
      if (added.length < 1_000_000) added.push(el);
    },
    snapshot(c) {
      ctx = c;
      watchWindow(defaultView(c.document));
      writeViewport(c, true);
      for (const root of c.roots()) if (nodeType(root) === 9) writeScroll(c, root as Document, true);
      // layout is clean during the snapshot: one read per element is cheap
      for (const el of added) if (scrollTop(el) || scrollLeft(el)) writeScroll(c, el, true);
      added = [];
      writeFocus(c, true);
      writeSelection(c, true);
      const h = hovered ? c.id(hovered) : 0;
      if (h) c.encoder.hover(h);
    },
    flush(c) {
      ctx = c;
      if (viewportDirty) writeViewport(c, false);
      viewportDirty = false;
      for (const t of scrolled) writeScroll(c, t, false);
      scrolled.clear();
      checkAddedLater();
      if (focusDirty) writeFocus(c, false);
      focusDirty = false;
      if (selectionDirty) writeSelection(c, false);
      writeHover(c);
      if (pointer) {
        const [x, y] = toTop(pointer.x, pointer.y, pointer.view);
        c.encoder.pointer(x, y);
        pointer = null;
        lastPointerSent = performance.now();
      }
      for (const k of clicks) {
        const [x, y] = toTop(k.x, k.y, k.view);
        c.encoder.click(x, y);
      }
      clicks.length = 0;
    },
    stop() {
      d.dispose();
      if (pointerTimer) clearTimeout(pointerTimer);
      if (addedCheck) cancelAnimationFrame(addedCheck);
      if (selectionFrame) selectionWin.cancelAnimationFrame(selectionFrame);
      selectionFrame = 0;
      pointerTimer = addedCheck = 0;
      scrolled.clear();
      added = [];
      clicks.length = 0;
      ctx = null;
    },
  };
}

function shadowActiveOf(el: Element): Element | null {
  const sr = shadowRoot(el);
  return sr ? activeElement(sr) : null;
}
function frameActiveOf(frame: HTMLIFrameElement): Element | null {
  const doc = frameDocument(frame);
  return doc ? activeElement(doc) : null;
}
