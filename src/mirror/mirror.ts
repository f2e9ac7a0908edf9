// The viewer: applies frames to a sandboxed iframe. Decode (syntax) -> validate (references and
// structure, on a model) -> apply -> commit the string table. A frame that fails before "apply"
// changes nothing at all.
import { FrameDecoder } from '../protocol/decoder.js';
import { DialogState, OpCode } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import type { Frame, Op } from '../protocol/types.js';
import { applyTree, setSafeAttribute, type BuildContext } from './build.js';
import { CursorOverlay } from './cursor.js';
import * as dom from '../dom/safe-dom.js';
import { NodeMap } from './nodes.js';
import { MirrorDocuments } from './documents.js';
import { PAGE_ORIGIN, checkResourceOrigins, httpOrigin, resourcePolicy } from './resources.js';
import { protectedAttr } from './sanitize.js';
import {
  Markers,
  Scrolls,
  canvasResized,
  setCanvas,
  setChecked,
  setDialog,
  setMedia,
  setSelected,
  setSelection,
  setValue,
} from './state.js';
import { Sheets } from './styles.js';
import { HeldImages } from './images.js';
import { validateFrame } from './validate.js';

/** Options of a {@link Mirror}. */
export interface MirrorOptions {
  /**
   * How the mirrored page is sized. `'fit'` (default): the iframe gets the sharer's viewport size (the
   * VIEWPORT op), so layout is identical, and a CSS transform scales it to the container's width.
   * A number: that fixed scale (1 = CSS pixel for CSS pixel).
   */
  scale?: 'fit' | number;
  /** The sharer's pointer moved, in the sharer's viewport CSS pixels. */
  onPointer?(x: number, y: number): void;
  /** The sharer clicked, in the sharer's viewport CSS pixels. */
  onClick?(x: number, y: number): void;
  /** Draw the sharer's pointer and clicks over the mirror (outside the iframe). Default true. */
  cursor?: boolean;
  /**
   * Something failed while applying a frame that had passed validation (a browser refused a DOM
   * change). The mirror may now differ from the sharer: `needsSnapshot` is set, ask for a snapshot.
   * Also called, once per name and without `needsSnapshot`, for an attribute whose name this browser
   * cannot set (left out: a snapshot would not bring it either).
   */
  onError?(err: Error): void;
  /**
   * Origins the mirrored page may load images, stylesheets, fonts and media from; nothing else is ever
   * requested (a Content-Security-Policy in every mirror document, see resources.ts). Entries:
   * `'page'` — the origin of the sharer's page as the first snapshot names it, unless that is the
   * viewer's own origin (the mirror shares it: loads from it would carry the agent's cookies); an origin such as
   * `'https://cdn.example.com'` or `'https://*.example.com'`; `'*'` — any http(s) address (not
   * recommended: a hostile page could then make the agent's browser contact a server of its choice).
   * Default `['page']`. A sharer that crafts its frames chooses what `'page'` means: list the site's
   * origins explicitly where that matters. Listing the viewer's own origin (or `'*'`) lets the page make
   * the agent's browser send requests with the agent's cookies to it: only for a console whose origin
   * serves nothing that a GET can change or reveal.
   */
  resourceOrigins?: readonly string[];
}

/** The sharer's viewport: CSS pixels and device pixel ratio. */
export interface MirrorViewport {
  width: number;
  height: number;
  dpr: number;
}

export class Mirror {
  /** The sandboxed iframe (`sandbox="allow-same-origin"`: never scripts, forms or navigation). */
  readonly iframe: HTMLIFrameElement;
  /** Seq of the last applied frame (-1 before the first snapshot). */
  seq = -1;
  /** The sharer's viewport (VIEWPORT op), null until known. */
  viewport: MirrorViewport | null = null;
  /** URL of the sharer's top document (META op). */
  url = '';
  /** True before the first snapshot, and after a frame could not be applied cleanly. */
  needsSnapshot = true;

  #wrapper: HTMLDivElement;
  #decoder = new FrameDecoder();
  #map = new NodeMap();
  #sheets = new Sheets(this.#map);
  #scrolls = new Scrolls(this.#map);
  #markers = new Markers(this.#map);
  #images = new HeldImages();
  #cursor: CursorOverlay | null = null;
  #resize: ResizeObserver | null = null;
  #scale = 1;
  #hasSnapshot = false;
  #destroyed = false;
  /** Attribute names this browser refused (see #refusedAttr). */
  #refusedNames = new Set<string>();
  // per frame
  #removedRoots: Node[] = [];
  #laterIds: number[] = [];
  /** The last DIALOG state of each dialog in this frame, applied again at its end (see run()). */
  #dialogs = new Map<Element, DialogState>();
  readonly #documents: MirrorDocuments;
  readonly #ctx: BuildContext;

  constructor(
    private container: HTMLElement,
    private options: MirrorOptions = {},
  ) {
    const resourceOrigins = checkResourceOrigins(options.resourceOrigins ?? [PAGE_ORIGIN]);
    this.#wrapper = document.createElement('div');
    this.#wrapper.setAttribute('data-cobrowse-mirror', '');
    Object.assign(this.#wrapper.style, { position: 'relative', overflow: 'hidden', transformOrigin: '0 0' });
    this.iframe = document.createElement('iframe');
    // exactly this: same origin so the viewer can build the DOM from outside; no allow-scripts,
    // no allow-forms, no allow-popups, no allow-top-navigation
    this.iframe.setAttribute('sandbox', 'allow-same-origin');
    this.iframe.setAttribute('referrerpolicy', 'no-referrer');
    this.iframe.setAttribute('title', 'Co-browsing view');
    Object.assign(this.iframe.style, {
      position: 'absolute',
      left: '0',
      top: '0',
      border: '0',
      transformOrigin: '0 0',
      background: '#fff',
    });
    this.#wrapper.appendChild(this.iframe);
    container.appendChild(this.#wrapper);
    if (options.cursor !== false) this.#cursor = new CursorOverlay(this.#wrapper);
    if ((options.scale ?? 'fit') === 'fit' && typeof ResizeObserver === 'function') {
      this.#resize = new ResizeObserver(() => this.#layout());
      this.#resize.observe(container);
    }
    this.#layout();
    // the policy is fixed when the first document opens: by then the META op has given the page's URL
    const policy = () => resourcePolicy(resourceOrigins, httpOrigin(this.url), httpOrigin(container.ownerDocument.URL));
    this.#documents = new MirrorDocuments(this.#map, this.iframe, policy, () => this.#scrolls.apply());
    const self = this;
    const docs = this.#documents;
    this.#ctx = {
      map: this.#map,
      topDocument: (mode) => docs.openTop(mode),
      frameDocument: (iframe, mode) => docs.openFrame(iframe, mode),
      releaseLater: (ids) => void self.#laterIds.push(...ids),
      styleOwner: (el) => self.#sheets.ownerChanged(el),
      refusedAttr: (name) => self.#refusedAttr(name),
      shadowRoot: (sr) => docs.guard(sr),
      moved: (n) => docs.moved(n),
      images: this.#images,
    };
  }

  /** The mirrored top document, once a snapshot has been applied. */
  get document(): Document | null {
    return this.#hasSnapshot ? ((this.#map.get(this.#map.topId) as Document | undefined) ?? null) : null;
  }
  /** The mirrored node with that id. */
  node(id: number): Node | undefined {
    return this.#map.get(id);
  }
  /** The id of a mirrored node, -1 when it has none. */
  id(node: Node): number {
    return this.#map.id(node);
  }

  /**
   * Applies one frame. A malformed frame, or one that does not fit the mirror's state, throws a
   * ProtocolError and leaves the mirror exactly as it was.
   */
  apply(bytes: Uint8Array): void {
    if (this.#destroyed) throw new ProtocolError('state', 'the mirror is destroyed');
    const frame = this.#decoder.decode(bytes);
    if (frame.kind === 'delta') {
      if (!this.#hasSnapshot) throw new ProtocolError('state', 'a delta before any snapshot');
      if (frame.seq !== this.seq + 1) throw new ProtocolError('sequence', `delta ${frame.seq} after ${this.seq}`);
    }
    validateFrame(frame, this.#map, this.#sheets);
    this.#run(frame);
    this.#decoder.commit();
    this.seq = frame.seq;
  }

  #run(frame: Frame): void {
    let clean = true;
    if (frame.kind === 'snapshot') {
      // the page's URL first: the first document opened fixes the resource policy with its origin
      for (const op of frame.ops) if (op.op === OpCode.Meta) this.url = op.url;
      this.#map.clear();
      this.#sheets.clear();
      this.#scrolls.clear();
      this.#markers.clear();
      this.#hasSnapshot = true;
    }
    let grew = false;
    for (const op of frame.ops) {
      try {
        if (op.op === OpCode.Tree) grew = true;
        this.#op(op);
      } catch (e) {
        clean = false;
        this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
    }
    // end of frame: each dialog gets the state of its last DIALOG op, whatever `open` attribute ops
    // came before or after it in the frame (setting or removing the attribute changes the state too)
    for (const [el, state] of this.#dialogs) {
      try {
        setDialog(el, state);
      } catch (e) {
        clean = false;
        this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
    }
    this.#dialogs.clear();
    // end of frame: ids of subtrees that stayed removed are released
    for (const r of this.#removedRoots) if (!this.#map.parent(r)) this.#map.release(r);
    for (const id of this.#laterIds) this.#map.releaseId(id);
    this.#removedRoots = [];
    this.#laterIds = [];
    this.#sheets.flush();
    if (grew) this.#scrolls.apply();
    if (this.#sheets.drift) {
      this.#sheets.drift = false;
      clean = false;
      this.options.onError?.(new ProtocolError('state', 'a stylesheet rule index did not match'));
    }
    this.needsSnapshot = !clean;
  }

  /**
   * An attribute the sharer's page holds but this browser's DOM cannot set (WebKit refuses `@click`,
   * which Chromium's and its own parser make). The rest of the frame applies; the agent's console is told
   * once per name (a few names at most: a page could invent thousands). No snapshot is asked for: it
   * would carry the same name again.
   */
  #refusedAttr(name: string): void {
    if (this.#refusedNames.has(name) || this.#refusedNames.size >= 16) return;
    this.#refusedNames.add(name);
    this.options.onError?.(
      new ProtocolError('node', `this browser cannot set the attribute ${JSON.stringify(name)}: left out of the mirror`),
    );
  }

  #el(id: number): Element {
    return this.#map.get(id) as Element;
  }

  #op(op: Op): void {
    switch (op.op) {
      case OpCode.Meta:
        this.url = op.url;
        return;
      case OpCode.Viewport:
        this.viewport = { width: op.width, height: op.height, dpr: op.dpr };
        this.#layout();
        return;
      case OpCode.Tree: {
        applyTree(this.#ctx, op.parent, op.before, op.nodes);
        const p = op.parent ? this.#map.get(op.parent)! : null;
        if (p) this.#styleTouched(p);
        this.#documents.rehomeFrames();
        return;
      }
      case OpCode.Remove: {
        const n = this.#map.get(op.id)!;
        const p = dom.parentNode(n);
        if (p) {
          this.#styleTouched(p);
          dom.removeChild(p, n);
        }
        this.#removedRoots.push(n);
        return;
      }
      case OpCode.Text: {
        const n = this.#map.get(op.id)!;
        dom.setData(n as CharacterData, op.data);
        const p = dom.parentNode(n);
        if (p) this.#styleTouched(p);
        return;
      }
      case OpCode.Attr: {
        const el = this.#el(op.id);
        if (protectedAttr(dom.localName(el), op.name) || this.#images.attr(el, op.name, op.value)) return;
        if (!setSafeAttribute(el, op.name, op.value)) this.#refusedAttr(op.name);
        this.#styleTouched(el);
        this.#canvasTouched(el, op.name);
        return;
      }
      case OpCode.AttrDel: {
        const el = this.#el(op.id);
        if (!protectedAttr(dom.localName(el), op.name) && !this.#images.attr(el, op.name, null)) dom.removeAttribute(el, op.name);
        this.#canvasTouched(el, op.name);
        return;
      }
      case OpCode.Value:
        return setValue(this.#el(op.id), op.value);
      case OpCode.Checked:
        return setChecked(this.#el(op.id), op.checked);
      case OpCode.Selected:
        return setSelected(this.#el(op.id), op.selected);
      case OpCode.Scroll:
        this.#scrolls.set(op.id, op.x, op.y);
        return this.#scrolls.apply(op.id);
      case OpCode.Focus:
        return this.#markers.set('focus', op.id ? this.#el(op.id) : null);
      case OpCode.Hover:
        return this.#markers.set('hover', op.id ? this.#el(op.id) : null);
      case OpCode.Selection:
        return setSelection(this.#map, op.anchor, op.anchorOffset, op.focus, op.focusOffset);
      case OpCode.Pointer:
        this.options.onPointer?.(op.x, op.y);
        this.#cursor?.move(op.x * this.#scale, op.y * this.#scale);
        return;
      case OpCode.Click:
        this.options.onClick?.(op.x, op.y);
        this.#cursor?.click(op.x * this.#scale, op.y * this.#scale);
        return;
      case OpCode.SheetNew:
        return this.#sheets.create(op.sheet, this.#map.get(op.document) as Document);
      case OpCode.SheetRules:
        return this.#sheets.replaceRules(op.ref, op.rules);
      case OpCode.SheetInsert:
        return this.#sheets.insert(op.ref, op.index, op.rule);
      case OpCode.SheetDelete:
        return this.#sheets.delete(op.ref, op.index);
      case OpCode.Adopt:
        return this.#sheets.adopt(this.#map.get(op.target)!, op.sheets);
      case OpCode.Media:
        return setMedia(this.#el(op.id), op.paused, op.time, op.rate, op.muted);
      case OpCode.Canvas:
        return setCanvas(this.#el(op.id), op.image);
      case OpCode.Loaded: {
        // the sharer's page loaded it (or gave up): load it here too, with what was held back
        const el = this.#el(op.id);
        return this.#images.release(el, (name, value) => {
          if (!setSafeAttribute(el, name, value)) this.#refusedAttr(name);
        });
      }
      case OpCode.Dialog: {
        const el = this.#el(op.id);
        this.#dialogs.delete(el); // re-inserted: applied in the order of the last ops
        this.#dialogs.set(el, op.state);
        return setDialog(el, op.state);
      }
    }
  }

  /** A canvas' width/height changed: the sharer's bitmap was cleared (and resized). */
  #canvasTouched(el: Element, name: string): void {
    if ((name === 'width' || name === 'height') && dom.isHtml(el, 'canvas')) canvasResized(el);
  }

  /** A change inside or on a `<style>`/`<link>`: its sheet is re-read and rewritten after the frame. */
  #styleTouched(n: Node): void {
    if (dom.nodeType(n) !== dom.ELEMENT_NODE) return;
    const name = dom.localName(n as Element);
    if (name === 'style' || name === 'link') this.#sheets.ownerChanged(n as Element);
  }

  // ---- documents ----------------------------------------------------------------------------------

  // ---- layout ---------------------------------------------------------------------------------------

  #layout(): void {
    if (this.#destroyed) return;
    const vw = this.viewport?.width || this.container.clientWidth || 1024;
    const vh = this.viewport?.height || this.container.clientHeight || 768;
    const opt = this.options.scale ?? 'fit';
    this.#scale = typeof opt === 'number' ? opt : (this.container.clientWidth || vw) / vw;
    Object.assign(this.iframe.style, { width: `${vw}px`, height: `${vh}px`, transform: `scale(${this.#scale})` });
    Object.assign(this.#wrapper.style, { width: `${vw * this.#scale}px`, height: `${vh * this.#scale}px` });
  }

  /** Removes the iframe and the overlay, and forgets every node. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#resize?.disconnect();
    this.#wrapper.remove();
    this.#map.clear();
    this.#sheets.clear();
    this.#scrolls.clear();
    this.#markers.clear();
    this.#decoder.reset();
    this.#hasSnapshot = false;
  }
}
