// Element and document state that is not markup: form values, scroll, hover/focus markers, selection,
// media, canvas pixels, dialogs. Every write goes through prototype setters (see dom.ts) and never
// gives focus to the mirror (that would steal the agent's keyboard): focus and hover are markers.
import { DialogState } from '../protocol/constants.js';
import * as dom from '../dom/safe-dom.js';
import type { NodeMap } from './nodes.js';
import { MARKER, safeCanvasImage } from './sanitize.js';

function set(proto: object, name: string, o: object, v: unknown): void {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  d?.set?.call(o, v);
}
function call(proto: object, name: string, o: object, ...args: unknown[]): unknown {
  const f = (proto as Record<string, unknown>)[name];
  return typeof f === 'function' ? f.apply(o, args) : undefined;
}

/** `value` of an input / textarea / select (a file input refuses anything but '': ignored). */
export function setValue(el: Element, v: string): void {
  if (dom.namespaceURI(el) !== dom.HTML_NS) return;
  const proto = { input: HTMLInputElement, textarea: HTMLTextAreaElement, select: HTMLSelectElement, option: HTMLOptionElement }[
    dom.localName(el)
  ];
  if (!proto) return;
  try {
    set(proto.prototype, 'value', el, v);
  } catch {
    // <input type=file>: the sharer's file name is not ours to show
  }
}
export function setChecked(el: Element, v: boolean): void {
  if (dom.isHtml(el, 'input')) set(HTMLInputElement.prototype, 'checked', el, v);
}
export function setSelected(el: Element, v: boolean): void {
  if (dom.isHtml(el, 'option')) set(HTMLOptionElement.prototype, 'selected', el, v);
}

/**
 * Scroll positions, kept and re-applied: a position set before the content (or a late stylesheet or
 * image) is laid out would be clamped, so the mirror re-applies the last known ones after each frame
 * that adds content and after resource loads.
 */
export class Scrolls {
  #pos = new Map<number, [number, number]>();
  constructor(private map: NodeMap) {}
  set(id: number, x: number, y: number): void {
    this.#pos.set(id, [x, y]);
  }
  clear(): void {
    this.#pos.clear();
  }
  apply(only?: number): void {
    for (const [id, [x, y]] of this.#pos) {
      if (only !== undefined && id !== only) continue;
      const n = this.map.get(id);
      if (!n) {
        this.#pos.delete(id);
        continue;
      }
      if (dom.nodeType(n) === dom.DOCUMENT_NODE) {
        const w = dom.defaultView(n as Document);
        // Window members are own properties of the global ([Global]); named properties cannot shadow them
        if (w) w.scrollTo(x, y);
      } else if (dom.nodeType(n) === dom.ELEMENT_NODE) {
        set(Element.prototype, 'scrollLeft', n, x);
        set(Element.prototype, 'scrollTop', n, y);
      }
    }
  }
}

export type MarkerKind = 'hover' | 'focus';

/**
 * `:hover` / `:focus*` as attributes (styles.ts rewrites the selectors to match them). The sharer sends
 * the innermost element; the chain goes up through shadow hosts and frame elements, as the real pseudo
 * classes do.
 */
export class Markers {
  #marked = new Map<string, Element[]>();
  constructor(private map: NodeMap) {}

  set(kind: MarkerKind, el: Element | null): void {
    for (const name of kind === 'hover' ? ['hover'] : ['focus', 'focus-within', 'focus-visible']) {
      for (const e of this.#marked.get(name) ?? []) dom.removeAttribute(e, MARKER + name);
      this.#marked.delete(name);
    }
    if (!el) return;
    const chain: Element[] = [];
    let crossed = true; // the element itself, then each host/frame element above a boundary
    const exact: Element[] = [];
    for (let n: Node | null = el; n; n = this.map.parent(n)) {
      const t = dom.nodeType(n);
      if (t === dom.ELEMENT_NODE) {
        chain.push(n as Element);
        if (crossed) exact.push(n as Element);
        crossed = false;
      } else if (t === dom.FRAGMENT_NODE || t === dom.DOCUMENT_NODE) {
        crossed = true;
      }
    }
    if (kind === 'hover') this.#mark('hover', chain);
    else {
      this.#mark('focus', exact);
      this.#mark('focus-within', chain);
      if (focusVisible(el)) this.#mark('focus-visible', [el]);
    }
  }
  #mark(name: string, els: Element[]): void {
    for (const e of els) dom.setAttribute(e, MARKER + name, '');
    this.#marked.set(name, els);
  }
  clear(): void {
    this.#marked.clear();
  }
}

/** The browser shows a focus ring for text entry (and keyboard focus, which the wire does not tell). */
function focusVisible(el: Element): boolean {
  if (dom.namespaceURI(el) !== dom.HTML_NS) return false;
  const name = dom.localName(el);
  if (name === 'textarea' || name === 'select') return true;
  if (name === 'input') {
    const t = (dom.getAttribute(el, 'type') ?? 'text').toLowerCase();
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'].includes(t);
  }
  return dom.hasAttribute(el, 'contenteditable');
}

function maxOffset(n: Node): number {
  const t = dom.nodeType(n);
  if (t === dom.TEXT_NODE || t === dom.COMMENT_NODE || t === dom.CDATA_NODE) return (n as CharacterData).length;
  let c = 0;
  for (let k = dom.firstChild(n); k; k = dom.nextSibling(k)) c++;
  return c;
}

export function setSelection(map: NodeMap, anchor: number, aOff: number, focus: number, fOff: number): void {
  const top = map.get(map.topId) as Document | undefined;
  if (!anchor) {
    if (top) (Document.prototype.getSelection.call(top) as Selection | null)?.removeAllRanges();
    return;
  }
  const a = map.get(anchor)!;
  const f = map.get(focus)!;
  const doc = dom.ownerDocument(a);
  if (!doc || doc !== dom.ownerDocument(f)) return;
  const sel = Document.prototype.getSelection.call(doc) as Selection | null;
  sel?.setBaseAndExtent(a, Math.min(aOff, maxOffset(a)), f, Math.min(fOff, maxOffset(f)));
}

export function setMedia(el: Element, paused: boolean, time: number, rate: number, muted: boolean): void {
  if (dom.namespaceURI(el) !== dom.HTML_NS || !['video', 'audio'].includes(dom.localName(el))) return;
  const p = HTMLMediaElement.prototype;
  set(p, 'muted', el, muted);
  set(p, 'currentTime', el, time);
  if (paused) call(p, 'pause', el);
  else {
    // autoplay policy may refuse (the viewer never interacted with the frame): the time still shows
    const r = call(p, 'play', el) as Promise<void> | undefined;
    r?.catch(() => undefined);
  }
  // last: on an element with no source yet, Firefox's pause()/play() start a load, which resets the
  // rate to defaultPlaybackRate (1)
  if (rate > 0) set(p, 'playbackRate', el, rate);
}

/**
 * Canvas pictures. The mirror runs without scripts, and then a `<canvas>` is not a replaced element: it
 * renders its fallback content (the capture does not send it) and collapses to 0×0. So the mirror makes
 * it replaced with CSS `content: url(<picture>)`, from a mirror-owned `<style data-cobrowse-mirror-canvas>`
 * child of the canvas (children of a replaced element never render; the rule is scoped to the canvas'
 * tree, shadow roots included). The canvas keeps its own `display`, and CSS sizing applies to it as on the
 * sharer: the picture's natural size is the canvas bitmap size (its width/height attributes). Before the
 * first picture (an untouched canvas sends none) a transparent SVG of the attribute size holds the box.
 * The rule is `:where()` (no specificity), so a page rule on `content` of the canvas still wins, as on the
 * sharer. The bitmap is drawn too (for anyone reading the mirror's canvas pixels).
 */
const CANVAS_ATTR = MARKER + 'canvas';
interface CanvasPicture {
  style: Element;
  token: string;
  image: string | null;
}
const canvasPictures = new WeakMap<Element, CanvasPicture>();
let canvasTokens = 0;

function canvasSize(el: Element, name: string, fallback: number): number {
  const v = dom.getAttribute(el, name);
  // the rules for non-negative integers: leading whitespace, digits; anything else is the default
  const m = v === null ? null : /^[\t\n\f\r ]*\+?(\d+)/.exec(v);
  return m ? Math.min(Number(m[1]), 100_000) : fallback;
}

function writeCanvasRule(el: Element, pic: CanvasPicture): void {
  // a picture is base64 (safeCanvasImage): only its whitespace goes, nothing can leave the quotes
  const url =
    pic.image?.replace(/\s+/g, '') ??
    `data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='${canvasSize(el, 'width', 300)}' height='${canvasSize(el, 'height', 150)}'/%3E`;
  dom.setTextContent(pic.style, `:where(canvas[${CANVAS_ATTR}="${pic.token}"]){content:url("${url}")}`);
}

/** Makes a mirrored `<canvas>` a replaced box (called when it is built). */
export function initCanvas(el: Element): void {
  if (!dom.isHtml(el, 'canvas') || canvasPictures.has(el)) return;
  const doc = dom.ownerDocument(el);
  if (!doc) return;
  const style = dom.createElementNS(doc, dom.HTML_NS, 'style');
  dom.setAttribute(style, CANVAS_ATTR, '');
  const pic: CanvasPicture = { style, token: String(++canvasTokens), image: null };
  canvasPictures.set(el, pic);
  dom.setAttribute(el, CANVAS_ATTR, pic.token);
  writeCanvasRule(el, pic);
  dom.insertBefore(el, style, dom.firstChild(el));
}

/** A canvas' width/height attribute changed: on the sharer that clears the bitmap. */
export function canvasResized(el: Element): void {
  const pic = canvasPictures.get(el);
  if (!pic) return;
  pic.image = null;
  writeCanvasRule(el, pic);
}

const canvasToken = new WeakMap<Element, number>();
let tokens = 0;
/** Shows a `data:image` as the canvas' picture, and draws it into the bitmap (latest frame wins). */
export function setCanvas(el: Element, url: string): void {
  if (!dom.isHtml(el, 'canvas') || !safeCanvasImage(url)) return;
  initCanvas(el);
  const pic = canvasPictures.get(el);
  if (pic) {
    pic.image = url;
    writeCanvasRule(el, pic);
  }
  const token = ++tokens;
  canvasToken.set(el, token);
  const img = new Image(); // the viewer's realm: a data: image is passive, nothing is fetched
  img.onload = () => {
    if (canvasToken.get(el) !== token) return;
    const ctx = HTMLCanvasElement.prototype.getContext.call(el as HTMLCanvasElement, '2d') as CanvasRenderingContext2D | null;
    if (!ctx) return;
    const c = el as HTMLCanvasElement;
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(img, 0, 0);
  };
  img.src = url;
}

/**
 * Puts a `<dialog>` in a state: 0 closed, 1 open (non-modal), 2 modal. Works from whatever state the
 * element is in, including the odd ones an `open` attribute change leaves behind (a modal dialog whose
 * attribute was removed, or an attribute set on a closed one).
 */
export function setDialog(el: Element, state: DialogState): void {
  if (!dom.isHtml(el, 'dialog')) return;
  const p = HTMLDialogElement.prototype;
  const isOpen = () => Object.getOwnPropertyDescriptor(p, 'open')!.get!.call(el) as boolean;
  const isModal = () => Element.prototype.matches.call(el, ':modal') as boolean;
  const close = () => {
    // a modal dialog whose `open` attribute was removed stays modal (top layer, inert page) until
    // close(), which does nothing without the attribute: put it back first
    if (isModal() && !isOpen()) dom.setAttribute(el, 'open', '');
    if (isOpen()) call(p, 'close', el);
    if (dom.hasAttribute(el, 'open')) dom.removeAttribute(el, 'open');
  };
  if (state === DialogState.Closed) {
    close();
  } else if (state === DialogState.Open) {
    if (isModal()) close();
    if (!isOpen()) call(p, 'show', el);
  } else if (!(isModal() && isOpen())) {
    close();
    if (dom.isConnected(el)) call(p, 'showModal', el);
  }
}
