// The viewer: applies frames to a sandboxed iframe. Decode (syntax) -> validate (references and
// structure, on a model) -> apply -> commit the string table. A frame that fails before "apply"
// changes nothing at all. A large snapshot goes through the same steps over several tasks (slices.ts),
// its new page built off-screen and put in whole at the end.
import { FrameDecoder } from '../protocol/decoder.js';
import { DialogState, OpCode } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { isSnapshotFrame } from '../protocol/header.js';
import type { Frame, Op } from '../protocol/types.js';
import { TopBuild, applyTree, setSafeAttribute, type BuildContext } from './build.js';
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
import { validateFrame, validateSteps } from './validate.js';
import { Paints } from './paints.js';
import { Uses } from './uses.js';
import { Slices, slicing } from './slices.js';

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
   * A frame is in place: at once, inside apply(), for most frames; a large snapshot once its whole new
   * page is shown, and frames that waited for it after that (see {@link Mirror.apply}).
   */
  onApply?(seq: number, snapshot: boolean): void;
  /**
   * A frame that apply() did not take at once (a large snapshot, or a frame that waited for one) was
   * rejected: it changed nothing, as when apply() throws. Frames that waited behind a rejected snapshot
   * are dropped with it.
   */
  onReject?(err: Error): void;
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

/** The state of one mirrored page: a snapshot brings a new one (built beside the one shown). */
interface Scene {
  map: NodeMap;
  sheets: Sheets;
  uses: Uses;
  paints: Paints;
  scrolls: Scrolls;
  markers: Markers;
  ctx: BuildContext;
}

/** A large snapshot being applied over several tasks, and the frames that wait for it. */
interface Job {
  slices: Slices;
  queue: Uint8Array[];
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
  #images = new HeldImages();
  #s: Scene;
  #job: Job | null = null;
  /** The page URL that fixes the resource policy when the first document opens (META of the first snapshot). */
  #policyUrl = '';
  /** The snapshot TREE op whose nodes are built already, during the #run that puts them in. */
  #placing: { op: Op; top: TopBuild } | null = null;
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
    const policy = () => resourcePolicy(resourceOrigins, httpOrigin(this.#policyUrl), httpOrigin(container.ownerDocument.URL));
    this.#documents = new MirrorDocuments(
      () => this.#s.map,
      this.iframe,
      policy,
      () => this.#s.scrolls.apply(),
    );
    this.#s = this.#scene();
  }

  #scene(): Scene {
    const map = new NodeMap();
    const sheets = new Sheets(map);
    const uses = new Uses(map);
    const paints = new Paints(map);
    const docs = this.#documents;
    const ctx: BuildContext = {
      map,
      topDocument: (mode) => docs.openTop(mode),
      topOwner: () => docs.topOwner(),
      frameDocument: (iframe, mode) => docs.openFrame(iframe, mode),
      releaseLater: (ids) => void this.#laterIds.push(...ids),
      styleOwner: (el) => sheets.ownerChanged(el),
      refusedAttr: (name) => this.#refusedAttr(name),
      shadowRoot: (sr) => docs.guard(sr),
      moved: (n) => docs.moved(n),
      images: this.#images,
      uses,
      paints,
    };
    return { map, sheets, uses, paints, scrolls: new Scrolls(map), markers: new Markers(map), ctx };
  }

  /** The mirrored top document, once a snapshot has been applied. */
  get document(): Document | null {
    return this.#hasSnapshot ? ((this.#s.map.get(this.#s.map.topId) as Document | undefined) ?? null) : null;
  }
  /** The mirrored node with that id. */
  node(id: number): Node | undefined {
    return this.#s.map.get(id);
  }
  /** The id of a mirrored node, -1 when it has none. */
  id(node: Node): number {
    return this.#s.map.id(node);
  }

  /**
   * Applies one frame. A malformed frame, or one that does not fit the mirror's state, throws a
   * ProtocolError and leaves the mirror exactly as it was; `onApply` is called once it is in place.
   *
   * A snapshot of 64 KiB or more (about 4,000 nodes) is applied over several tasks instead, so the
   * agent's page stays responsive: apply() returns at once and `building` is true. The page shown
   * stays as it is (and `document`, `node()`, `seq` with it) until the new one is complete, then the
   * new one replaces it in one task (`onApply`); a snapshot rejected on the way changes nothing
   * (`onReject`). Frames given to apply() meanwhile wait and are applied after it, in order
   * (`onApply` / `onReject` each); a newer snapshot replaces the one being built.
   */
  apply(bytes: Uint8Array): void {
    if (this.#destroyed) throw new ProtocolError('state', 'the mirror is destroyed');
    const snapshot = isSnapshotFrame(bytes);
    if (this.#job && !snapshot) return void this.#job.queue.push(bytes);
    this.#stopJob();
    if (snapshot && bytes.length >= slicing.minBytes) return this.#startJob(bytes);
    this.#applyNow(bytes);
    this.options.onApply?.(this.seq, snapshot);
  }

  /**
   * True once part of the current page was left out of the view: elements nested deeper than the mirror
   * lays out (200 levels; they carry `data-cobrowse-mirror-cut`), SVG `<use>` copies too deep or too
   * many (`data-cobrowse-mirror-use-cut`), or SVG resources nesting too deep or painting too much
   * (`data-cobrowse-mirror-paint-cut`). Such trees crash or hang a browser's tab; real pages seldom
   * have them. Each snapshot starts false.
   */
  get partial(): boolean {
    return this.#s.map.partial;
  }

  /** True while a large snapshot is being built (see apply): frames given to apply() wait for it. */
  get building(): boolean {
    return this.#job !== null;
  }

  #applyNow(bytes: Uint8Array): void {
    const frame = this.#decoder.decode(bytes);
    if (frame.kind === 'delta') {
      if (!this.#hasSnapshot) throw new ProtocolError('state', 'a delta before any snapshot');
      if (frame.seq !== this.seq + 1) throw new ProtocolError('sequence', `delta ${frame.seq} after ${this.seq}`);
    }
    validateFrame(frame, this.#s.map, this.#s.sheets);
    this.#run(frame, null);
    this.#decoder.commit();
    this.seq = frame.seq;
  }

  #startJob(bytes: Uint8Array): void {
    const job: Job = { slices: null!, queue: [] };
    this.#job = job;
    job.slices = new Slices(this.#snapshotSteps(bytes, job), (err) => {
      if (this.#job !== job) return;
      this.#job = null; // the frames that waited were made on top of the rejected snapshot
      this.options.onReject?.(err instanceof Error ? err : new Error(String(err)));
    });
  }

  #stopJob(): void {
    this.#job?.slices.stop();
    this.#job = null;
  }

  /**
   * A large snapshot, step by step: decode, validate, build the new page's nodes off-screen (TopBuild),
   * then, in one step, put the new page in and apply the rest of the frame; then the frames that waited.
   */
  *#snapshotSteps(bytes: Uint8Array, job: Job): Generator<void, void> {
    const frame = yield* this.#decoder.decodeSteps(bytes);
    const scene = this.#scene();
    yield* validateSteps(frame, scene.map, scene.sheets);
    const op = frame.ops.find((o) => o.op === OpCode.Tree && !o.parent) as Extract<Op, { op: OpCode.Tree }>;
    if (!this.#hasSnapshot) this.#policyUrl = metaUrl(frame) ?? this.url; // before the first document opens
    const top = new TopBuild(scene.ctx, op.nodes);
    yield* top.steps();
    this.#run(frame, { scene, op, top });
    this.#decoder.commit();
    this.seq = frame.seq;
    this.options.onApply?.(this.seq, true);
    while (this.#job === job && job.queue.length) {
      yield;
      const next = job.queue.shift()!;
      try {
        this.#applyNow(next);
      } catch (err) {
        this.options.onReject?.(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      this.options.onApply?.(this.seq, false);
    }
    if (this.#job === job) this.#job = null;
  }

  #run(frame: Frame, built: { scene: Scene; op: Op; top: TopBuild } | null): void {
    let clean = true;
    if (frame.kind === 'snapshot') {
      // the page's URL first: the first document opened fixes the resource policy with its origin
      this.url = metaUrl(frame) ?? this.url;
      if (!this.#hasSnapshot) this.#policyUrl = this.url;
      this.#s = built?.scene ?? this.#scene();
      this.#placing = built;
      this.#hasSnapshot = true;
    }
    let grew = false;
    for (const op of frame.ops) {
      try {
        if (op.op === OpCode.Tree) grew = true;
        // `<use>` copies are counted before anything can compute style (uses.ts)
        if (!DOM_ONLY.has(op.op)) this.#s.uses.settle();
        if (DOM_ONLY.has(op.op) || op.op === OpCode.Dialog) this.#s.paints.touch(); // can change computed style
        this.#op(op);
      } catch (e) {
        clean = false;
        this.#s.uses.settle();
        this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
    }
    this.#s.uses.endFrame();
    try {
      // what SVG resources paint is counted once their `<use>` copies are settled, before the frame is painted
      this.#s.paints.endFrame();
    } catch (e) {
      clean = false;
      this.options.onError?.(e instanceof Error ? e : new Error(String(e)));
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
    this.#placing = null;
    const { map, sheets, scrolls } = this.#s;
    // end of frame: ids of subtrees that stayed removed are released
    for (const r of this.#removedRoots) if (!map.parent(r)) map.release(r);
    for (const id of this.#laterIds) map.releaseId(id);
    this.#removedRoots = [];
    this.#laterIds = [];
    sheets.flush();
    if (grew) scrolls.apply();
    if (sheets.drift) {
      sheets.drift = false;
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
    return this.#s.map.get(id) as Element;
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
        this.#s.uses.tree(op.parent ? this.#s.map.get(op.parent)! : null, op.nodes);
        if (this.#placing?.op === op) this.#placing.top.place();
        else applyTree(this.#s.ctx, op.parent, op.before, op.nodes);
        const p = op.parent ? this.#s.map.get(op.parent)! : null;
        if (p) this.#styleTouched(p);
        this.#documents.rehomeFrames();
        return;
      }
      case OpCode.Remove: {
        const n = this.#s.map.get(op.id)!;
        this.#s.map.gen++; // its subtree is laid out nowhere now (depth.ts)
        this.#s.uses.remove(n);
        const p = dom.parentNode(n);
        if (p) {
          this.#styleTouched(p);
          dom.removeChild(p, n);
        }
        this.#removedRoots.push(n);
        return;
      }
      case OpCode.Text: {
        const n = this.#s.map.get(op.id)!;
        dom.setData(n as CharacterData, op.data);
        const p = dom.parentNode(n);
        if (p) this.#styleTouched(p);
        return;
      }
      case OpCode.Attr: {
        const el = this.#el(op.id);
        if (protectedAttr(dom.localName(el), op.name) || this.#images.attr(el, op.name, op.value)) return;
        this.#refsTouched(el, op.name);
        if (!setSafeAttribute(el, op.name, op.value)) this.#refusedAttr(op.name);
        this.#styleTouched(el);
        this.#canvasTouched(el, op.name);
        return;
      }
      case OpCode.AttrDel: {
        const el = this.#el(op.id);
        this.#refsTouched(el, op.name);
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
        this.#s.scrolls.set(op.id, op.x, op.y);
        return this.#s.scrolls.apply(op.id);
      case OpCode.Focus:
        return this.#s.markers.set('focus', op.id ? this.#el(op.id) : null);
      case OpCode.Hover:
        return this.#s.markers.set('hover', op.id ? this.#el(op.id) : null);
      case OpCode.Selection:
        return setSelection(this.#s.map, op.anchor, op.anchorOffset, op.focus, op.focusOffset);
      case OpCode.Pointer:
        this.options.onPointer?.(op.x, op.y);
        this.#cursor?.move(op.x * this.#scale, op.y * this.#scale);
        return;
      case OpCode.Click:
        this.options.onClick?.(op.x, op.y);
        this.#cursor?.click(op.x * this.#scale, op.y * this.#scale);
        return;
      case OpCode.SheetNew:
        return this.#s.sheets.create(op.sheet, this.#s.map.get(op.document) as Document);
      case OpCode.SheetRules:
        return this.#s.sheets.replaceRules(op.ref, op.rules);
      case OpCode.SheetInsert:
        return this.#s.sheets.insert(op.ref, op.index, op.rule);
      case OpCode.SheetDelete:
        return this.#s.sheets.delete(op.ref, op.index);
      case OpCode.Adopt:
        return this.#s.sheets.adopt(this.#s.map.get(op.target)!, op.sheets);
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

  /** An id or an href changes what a `<use>` copies (uses.ts); a style attribute, a paint cut's (paints.ts). */
  #refsTouched(el: Element, name: string): void {
    this.#s.paints.attr(el, name);
    if (name !== 'id' && name !== 'href' && name !== 'xlink:href') return;
    this.#s.uses.attr(el, name);
    this.#s.uses.touch();
  }

  /** A canvas' width/height changed: the sharer's bitmap was cleared (and resized). */
  #canvasTouched(el: Element, name: string): void {
    if ((name === 'width' || name === 'height') && dom.isHtml(el, 'canvas')) canvasResized(el);
  }

  /** A change inside or on a `<style>`/`<link>`: its sheet is re-read and rewritten after the frame. */
  #styleTouched(n: Node): void {
    if (dom.nodeType(n) !== dom.ELEMENT_NODE) return;
    const name = dom.localName(n as Element);
    if (name === 'style' || name === 'link') this.#s.sheets.ownerChanged(n as Element);
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
    this.#stopJob();
    this.#resize?.disconnect();
    this.#wrapper.remove();
    this.#s = this.#scene();
    this.#decoder.reset();
    this.#hasSnapshot = false;
  }
}

/**
 * The ops that only change the DOM (or CSSOM) and never make the browser compute style: the `<use>`
 * count may wait after them (uses.ts). Any other op (a scroll lays out, a callback runs the embedder's
 * code) is preceded by it.
 */
const DOM_ONLY = new Set<OpCode>([
  OpCode.Tree,
  OpCode.Remove,
  OpCode.Text,
  OpCode.Attr,
  OpCode.AttrDel,
  OpCode.Value,
  OpCode.Checked,
  OpCode.Selected,
  OpCode.Meta,
  OpCode.SheetNew,
  OpCode.SheetRules,
  OpCode.SheetInsert,
  OpCode.SheetDelete,
  OpCode.Adopt,
]);

/** The URL of a snapshot's META op. */
function metaUrl(frame: Frame): string | undefined {
  let url: string | undefined;
  for (const op of frame.ops) if (op.op === OpCode.Meta) url = op.url;
  return url;
}
