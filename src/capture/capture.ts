// The capture of one document: a snapshot, then a delta frame per task with the net change of the
// DOM (MutationObserver records) and of the state the modules watch.
import { FrameKind } from '../protocol/constants.js';
import { FrameEncoder } from '../protocol/encoder.js';
import type { CaptureContext, CaptureModule, CaptureRoot } from './context.js';
import { frameDocument, NodeIds } from './ids.js';
import { MaskPolicy, maskText, type MaskOptions } from './mask.js';
import { afterMethod } from './patches.js';
import {
  childrenCaptured,
  effectiveMask,
  isEventHandler,
  isFormField,
  maskStateOf,
  MaskState,
  Serializer,
  TEXT_ATTRS,
  type SerializerHost,
} from './serialize.js';
import { absoluteCssUrls, BaseUrls, resolveAttribute } from './urls.js';
import { addListener, defaultView, getAttribute, isConnected, localName, nextSibling, nodeType, ownerDocument, parentNode, removeListener, shadowRoot } from '../dom/safe-dom.js';
import { documentURL, rootNode } from './dom.js';

export interface CaptureOptions {
  /**
   * Receives every frame, in order, synchronously. The first (a full snapshot) arrives before
   * `capture()` returns; later ones carry only what changed, one per script that changed something.
   */
  onFrame(frame: Uint8Array): void;
  /** What to mask or block on the sharer (see MaskOptions). Default: sensitive fields only. */
  mask?: MaskOptions;
  /** Called when a frame could not be produced or delivered (the capture goes on). Default: console.error once. */
  onError?(error: unknown): void;
  /**
   * When changes are written: `'immediate'` (default) at the end of the script that made them (when
   * the MutationObserver delivers, before the browser renders) — lowest latency, and the page never
   * waits on us while it paints; `'animation-frame'` at the next animation frame — fewer, larger
   * frames when a page changes in many small tasks, but nothing while the tab is hidden (see the
   * README for the measurement).
   */
  batch?: 'immediate' | 'animation-frame';
}

export interface CaptureHandle {
  /** Stops observing: disconnects everything and removes every patch and listener. */
  stop(): void;
  /**
   * Emits a full snapshot consistent with the live stream (flushing pending changes first), for a
   * viewer who joins late or lost frames. Other viewers may ignore it or apply it.
   */
  resync(): void;
  /** Sequence number of the last frame emitted. */
  readonly seq: number;
}

const OBSERVE: MutationObserverInit = { childList: true, subtree: true, attributes: true, characterData: true };
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export class Capture implements CaptureHandle, SerializerHost {
  readonly ids = new NodeIds();
  readonly encoder = new FrameEncoder();
  readonly mask: MaskPolicy;
  readonly maskStates = new WeakMap<Element, number>();
  readonly maskedNodes = new WeakSet<Node>();
  /** `<template>` contents captured (their nodes are live although not connected). */
  readonly fragments = new WeakSet<DocumentFragment>();
  readonly tagHooks = new Map<string, CaptureModule[]>();
  readonly allHooks: CaptureModule[] = [];
  readonly context: CaptureContext;
  private readonly serializer: Serializer;
  private readonly observer: MutationObserver;
  private readonly roots = new Set<CaptureRoot>();
  private readonly observed = new WeakSet<Node>();
  private readonly closedShadows = new WeakMap<Element, ShadowRoot>();
  private readonly pendingShadows = new Set<Element>();
  private readonly frameDocs = new WeakMap<HTMLIFrameElement, Document>();
  private readonly watchedFrames = new Map<HTMLIFrameElement, () => void>();
  private readonly pendingFrames = new Set<HTMLIFrameElement>();
  private readonly patchedRealms = new WeakSet<object>();
  private readonly unpatch: (() => void)[] = [];
  /** Nodes detached at a MutationObserver delivery before a deferred flush (batch: 'animation-frame'). */
  readonly unobserved = new Set<Node>();
  private queue: MutationRecord[] = [];
  private scheduled = false;
  private stopped = false;
  private errorLogged = false;
  private seqNo = 0;

  constructor(
    readonly document: Document,
    private readonly options: CaptureOptions,
    private readonly modules: CaptureModule[],
  ) {
    this.mask = new MaskPolicy(options.mask);
    const ids = this.ids;
    this.context = {
      document,
      encoder: this.encoder,
      mask: this.mask,
      id: (node) => ids.get(node),
      requestFlush: () => this.schedule(),
      roots: () => this.liveRoots(),
    };
    for (const m of modules) {
      if (!m.elementAdded) continue;
      if (!m.tags) {
        this.allHooks.push(m);
        continue;
      }
      for (const tag of m.tags) {
        const list = this.tagHooks.get(tag) ?? [];
        list.push(m);
        this.tagHooks.set(tag, list);
      }
    }
    this.serializer = new Serializer(this);
    this.observer = new MutationObserver((records) => {
      for (const r of records) this.queue.push(r);
      if (this.options.batch !== 'animation-frame') return this.flush();
      // deferred: a node detached now is no longer observed after this checkpoint (its transient
      // observer ends), so what happens to it until the flush is unknown: if it comes back, it is
      // written again whole instead of moved
      for (const r of records) {
        const removed = r.removedNodes;
        for (let i = 0; i < removed.length; i++) if (!isConnected(removed[i]!)) this.unobserved.add(removed[i]!);
      }
      this.schedule();
    });
    this.snapshot();
  }

  get seq(): number {
    return this.seqNo;
  }

  // ---- SerializerHost -----------------------------------------------------------------------------

  shadowOf(el: Element): ShadowRoot | null {
    return shadowRoot(el) ?? this.closedShadows.get(el) ?? null;
  }

  rootSerialized(root: CaptureRoot): void {
    this.roots.add(root);
    if (this.observed.has(root)) return;
    this.observed.add(root);
    this.observer.observe(root, OBSERVE);
    if (nodeType(root) === 9) this.patchRealm(defaultView((root as Document)));
    for (const m of this.modules) m.rootAdded?.(root, this.context);
  }

  frameSerialized(frame: HTMLIFrameElement): void {
    const doc = frameDocument(frame);
    if (doc) this.frameDocs.set(frame, doc);
    if (this.watchedFrames.has(frame)) return;
    // a frame that loads (srcdoc, src, navigation) gets a new document: send it whole
    const onLoad = () => {
      this.pendingFrames.add(frame);
      this.schedule();
    };
    addListener(frame, 'load', onLoad, false);
    this.watchedFrames.set(frame, () => removeListener(frame, 'load', onLoad, false));
  }

  fragmentSerialized(fragment: DocumentFragment): void {
    this.fragments.add(fragment);
    if (this.observed.has(fragment)) return;
    this.observed.add(fragment);
    this.observer.observe(fragment, OBSERVE);
  }

  rewriteInsteadOfMove(node: Node, maskedHere: boolean): number {
    const id = this.ids.get(node);
    let masked = maskedHere;
    if (nodeType(node) === 1) masked = effectiveMask(this.maskStates.get(node as Element) ?? 0, maskedHere);
    if (!this.unobserved.has(node) && masked === this.maskedNodes.has(node)) return 0;
    this.ids.forgetSubtree(node, (el) => this.shadowOf(el));
    return id;
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  resync(): void {
    if (this.stopped) return;
    this.flush();
    this.snapshot();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.observer.disconnect();
    this.queue = [];
    this.unobserved.clear();
    for (const off of this.watchedFrames.values()) off();
    this.watchedFrames.clear();
    for (const off of this.unpatch) off();
    this.unpatch.length = 0;
    for (const m of this.modules) m.stop();
    this.roots.clear();
    this.pendingFrames.clear();
    this.pendingShadows.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    if (this.options.batch === 'animation-frame') {
      const win = defaultView(this.document) ?? window;
      win.requestAnimationFrame(() => this.flush());
      return;
    }
    // state changes (events, patched setters) are written at the end of the current script, with any
    // DOM changes of the same script (the MutationObserver delivers at that same checkpoint)
    queueMicrotask(() => this.flush());
  }

  /** Patches `attachShadow` in a realm (the top window or a same-origin frame's) once. */
  private patchRealm(win: (Window & typeof globalThis) | null): void {
    if (!win || this.patchedRealms.has(win)) return;
    this.patchedRealms.add(win);
    this.unpatch.push(
      afterMethod(win.Element.prototype, 'attachShadow', (host, _args, root) => {
        this.closedShadows.set(host, root as ShadowRoot);
        if (this.ids.get(host)) {
          this.pendingShadows.add(host);
          this.schedule();
        }
      }),
    );
  }

  private liveRoots(): Iterable<CaptureRoot> {
    for (const root of this.roots) if (!this.ids.get(root)) this.roots.delete(root);
    return this.roots;
  }

  private emit(frame: Uint8Array): void {
    try {
      this.options.onFrame(frame);
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    if (this.options.onError) return this.options.onError(err);
    if (this.errorLogged) return;
    this.errorLogged = true;
    console.error('cobrowse-rtc capture:', err);
  }

  // ---- frames -------------------------------------------------------------------------------------

  private snapshot(): void {
    const e = this.encoder;
    e.begin(FrameKind.Snapshot, this.seqNo);
    e.meta(documentURL(this.document));
    e.tree(0, 0);
    this.serializer.write(this.document, false, true);
    for (const m of this.modules) m.snapshot(this.context);
    this.emit(e.finish());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const records = this.queue;
    this.queue = [];
    for (const r of this.observer.takeRecords()) records.push(r);
    const e = this.encoder;
    e.begin(FrameKind.Delta, this.seqNo + 1);
    try {
      new DeltaBuilder(this, this.serializer).build(records, this.pendingShadows, this.pendingFrames, this.frameDocs);
      this.pendingShadows.clear();
      this.pendingFrames.clear();
      this.unobserved.clear();
      for (const m of this.modules) m.flush(this.context);
    } catch (err) {
      // a bug here must not break the page; the viewer is brought back in step with a snapshot
      e.finish();
      this.report(err);
      this.snapshot();
      return;
    }
    if (e.opCount === 0) {
      e.finish();
      return;
    }
    this.seqNo++;
    this.emit(e.finish());
  }
}

/**
 * The net change of one batch of MutationObserver records, written as ops: inserts (new subtrees
 * and moves) first, then removes, then text and attribute changes of nodes that stayed.
 */
class DeltaBuilder {
  private readonly firstNew: number;
  private readonly maskedAt = new Map<Node, boolean>();
  private readonly bases = new BaseUrls();
  /** Captured elements that became ignored in this batch (see `hidden`). */
  private readonly newlyIgnored = new Set<Node>();
  /** Per element: keeps its subtree out of the capture (see `capturedChain`). */
  private readonly uncaptured = new Map<Node, boolean>();
  /** Captured elements that became blocked in this batch: nothing inside them is written (see `hidden`). */
  private readonly newlyBlocked = new Set<Node>();
  /**
   * Captured elements that stopped being blocked in this batch: the viewer has only their placeholder,
   * so nothing inside them is written on its own; they are written again whole (`reserialize`).
   */
  private readonly newlyUnblocked = new Set<Node>();

  constructor(
    private readonly c: Capture,
    private readonly serializer: Serializer,
  ) {
    this.firstNew = c.ids.next;
  }

  build(
    records: MutationRecord[],
    shadows: Set<Element>,
    frames: Set<HTMLIFrameElement>,
    frameDocs: WeakMap<HTMLIFrameElement, Document>,
  ): void {
    const added = new Set<Node>();
    const removed = new Set<Node>();
    const texts = new Set<Node>();
    const attrs = new Map<Element, string[]>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.type === 'childList') {
        const a = r.addedNodes;
        for (let j = 0; j < a.length; j++) added.add(a[j]!);
        const d = r.removedNodes;
        for (let j = 0; j < d.length; j++) removed.add(d[j]!);
      } else if (r.type === 'characterData') {
        texts.add(r.target);
      } else {
        const el = r.target as Element;
        const name = qualifiedName(r.attributeName!, r.attributeNamespace);
        const names = attrs.get(el);
        if (!names) attrs.set(el, [name]);
        else if (!names.includes(name)) names.push(name);
      }
    }
    // elements that became ignored: nothing under them is written from here on (they go last, so
    // nodes moved out of them first are still there to move)
    for (const el of attrs.keys()) if (this.c.ids.get(el) && this.c.mask.isIgnored(el)) this.newlyIgnored.add(el);
    // elements that became blocked: their placeholder is written below (attributes); a change inside
    // them in this same batch must not be written first
    for (const el of attrs.keys()) {
      if (!this.c.ids.get(el)) continue;
      const was = ((this.c.maskStates.get(el) ?? 0) & MaskState.Blocked) !== 0;
      const now = this.c.mask.isBlocked(el);
      if (!was && now) this.newlyBlocked.add(el);
      else if (was && !now) this.newlyUnblocked.add(el);
    }
    const emitted = new Set<Node>();
    for (const node of added) this.insert(node, added, emitted);
    for (const host of shadows) this.attachShadow(host);
    for (const frame of frames) this.replaceFrameDocument(frame, frameDocs);
    this.removeAll(removed);
    for (const t of texts) this.text(t);
    for (const [el, names] of attrs) this.attributes(el, names);
  }


  /** In a captured tree: connected, or inside a captured `<template>`'s content. */
  private isAttached(node: Node): boolean {
    if (isConnected(node)) return true;
    const root = rootNode(node);
    return nodeType(root) === 11 && this.c.fragments.has(root as DocumentFragment) && this.c.ids.get(root) > 0;
  }

  private isLive(node: Node): boolean {
    const ids = this.c.ids;
    if (!this.isAttached(node)) return false;
    const p = parentNode(node);
    if (!p || !ids.get(p)) return false;
    if (this.hidden(p)) return false; // moved into an element that just became ignored: it goes with it
    return this.capturedChain(p);
  }

  /**
   * No ancestor of `p` (or `p`) keeps its subtree out of the capture (ignored, blocked, script-like).
   * A captured node moved in this batch under such an element keeps its stale id until its REMOVE:
   * changes inside it must not be written before that. Read from the DOM (static during the build),
   * so ancestors new in this batch, not written yet, do not count against it; cached per batch.
   */
  private capturedChain(p: Node): boolean {
    for (let n: Node | null = p; n; n = parentOf(n)) {
      if (nodeType(n) !== 1) continue;
      let out = this.uncaptured.get(n);
      if (out === undefined) {
        const el = n as Element;
        out = UNCAPTURED_CHILDREN.has(localName(el)) || this.c.mask.isIgnored(el) || this.c.mask.isBlocked(el);
        this.uncaptured.set(n, out);
      }
      if (out) return false;
    }
    return true;
  }

  /**
   * Inside (or one of) the elements that became ignored, blocked or unblocked in this batch: its changes
   * are not written. `blockedSelf`: false when `node` is the element whose own change is being written
   * (a newly blocked element still gets its placeholder, a newly unblocked one is written whole).
   */
  private hidden(node: Node, blockedSelf = true): boolean {
    const set = this.newlyIgnored;
    const blocked = this.newlyBlocked;
    const unblocked = this.newlyUnblocked;
    if (set.size === 0 && blocked.size === 0 && unblocked.size === 0) return false;
    for (let n: Node | null = node; n; n = parentOf(n)) {
      if (set.has(n)) return true;
      if ((blocked.has(n) || unblocked.has(n)) && (blockedSelf || n !== node)) return true;
    }
    return false;
  }

  /** Whether text placed under `parent` is masked (cached for the batch). */
  private textMaskedUnder(parent: Node): boolean {
    let m = this.maskedAt.get(parent);
    if (m === undefined) {
      const mask = this.c.mask;
      m = mask.isTextMaskedAt(parent);
      if (!m && nodeType(parent) === 1 && localName((parent as Element)) === 'textarea') {
        m = mask.isValueMasked(parent as Element, false);
      }
      this.maskedAt.set(parent, m);
    }
    return m;
  }

  private insert(node: Node, added: Set<Node>, emitted: Set<Node>): void {
    const ids = this.c.ids;
    if (emitted.has(node)) return;
    const id = ids.get(node);
    if (id >= this.firstNew) return; // written inside a new subtree already
    const parent = parentNode(node);
    if (!parent || !this.isAttached(node)) return;
    const pid = ids.get(parent);
    if (!pid || pid >= this.firstNew) return; // parent not captured, or new (its subtree has this)
    if (nodeType(parent) === 1 && !childrenCaptured(parent as Element, this.c.maskStates)) return;
    if (this.hidden(parent) || !this.capturedChain(parent)) return;
    // siblings inserted next to each other: write the run from its end, so each `before` exists
    const isCandidate = (s: Node) => !emitted.has(s) && (added.has(s) || !ids.get(s));
    let end = node;
    for (let n = nextSibling(end); n && isCandidate(n); n = nextSibling(end)) end = n;
    const masked = this.textMaskedUnder(parent);
    let c: Node = end;
    for (;;) {
      if (nodeType(c) === 1 && this.c.mask.isIgnored(c as Element)) this.drop(c); // inserted or moved: nothing to say
      else this.writeAt(c, pid, masked);
      emitted.add(c);
      if (c === node) break;
      c = c.previousSibling!;
    }
  }

  private writeAt(node: Node, pid: number, masked: boolean): void {
    const e = this.c.encoder;
    e.tree(pid, this.nextCaptured(node));
    this.serializer.write(node, masked, false); // a known node becomes a REF (or is written again)
    this.removeReplaced();
  }

  /**
   * The id of the first following sibling the viewer has, for a TREE's `before` (0: append). Siblings
   * without one are ignored elements (the run being written goes from its end, so the others have
   * theirs already).
   */
  private nextCaptured(node: Node): number {
    const ids = this.c.ids;
    let next = nextSibling(node);
    while (next && !ids.get(next)) next = nextSibling(next);
    return next ? ids.get(next) : 0;
  }

  /** An element that is ignored now: if the viewer has it (it just became ignored), it goes. */
  private drop(el: Node): void {
    const c = this.c;
    const id = c.ids.get(el);
    if (!id) return;
    c.encoder.remove(id);
    c.ids.forgetSubtree(el, (x) => c.shadowOf(x));
  }

  /** REMOVE for the old ids of nodes the serializer wrote again instead of moving them. */
  private removeReplaced(): void {
    const replaced = this.serializer.replaced;
    for (let i = 0; i < replaced.length; i++) this.c.encoder.remove(replaced[i]!);
    replaced.length = 0;
  }

  private attachShadow(host: Element): void {
    const c = this.c;
    const hid = c.ids.get(host);
    if (!hid || hid >= this.firstNew || !this.isLive(host)) return;
    const root = c.shadowOf(host);
    if (!root || c.ids.get(root) || this.hidden(host)) return;
    c.encoder.tree(hid, 0);
    this.serializer.write(root, this.textMaskedUnder(host), false);
    this.removeReplaced();
  }

  private replaceFrameDocument(frame: HTMLIFrameElement, frameDocs: WeakMap<HTMLIFrameElement, Document>): void {
    const c = this.c;
    const fid = c.ids.get(frame);
    if (!fid || fid >= this.firstNew || !this.isLive(frame)) return;
    const doc = frameDocument(frame);
    if (!doc || c.ids.get(doc) || this.hidden(frame)) return; // cross-origin now, or the document we have already
    const old = frameDocs.get(frame);
    if (old) c.ids.forgetSubtree(old, (el) => c.shadowOf(el));
    frameDocs.set(frame, doc);
    c.encoder.tree(fid, 0);
    this.serializer.write(doc, this.textMaskedUnder(frame), false);
    this.removeReplaced();
  }

  private removeAll(removed: Set<Node>): void {
    const c = this.c;
    // ids first, then forget: forgetting one subtree must not hide a node removed on its own
    const gone: Node[] = [];
    for (const node of removed) {
      const id = c.ids.get(node);
      if (!id || id >= this.firstNew || this.isLive(node)) continue;
      c.encoder.remove(id);
      gone.push(node);
    }
    for (const node of gone) c.ids.forgetSubtree(node, (el) => c.shadowOf(el));
  }

  private text(node: Node): void {
    const c = this.c;
    const id = c.ids.get(node);
    if (!id || id >= this.firstNew || !this.isLive(node) || this.hidden(node)) return;
    const parent = parentNode(node)!;
    let data = (node as CharacterData).data;
    if (this.textMaskedUnder(parent)) data = maskText(data);
    else if (nodeType(parent) === 1 && localName((parent as Element)) === 'style') {
      data = absoluteCssUrls(data, this.bases.of(ownerDocument(node)!));
    }
    c.encoder.text(id, data);
  }

  private attributes(el: Element, names: readonly string[]): void {
    const c = this.c;
    const id = c.ids.get(el);
    const mask = c.mask;
    if (id >= this.firstNew) return;
    if (names.some((n) => mask.dependsOn(n)) && this.ignoreChanged(el, id)) return;
    if (!id || !this.isLive(el) || this.hidden(el, false)) return;
    let recheck = false;
    for (const name of names) {
      if (mask.dependsOn(name) || (localName(el) === 'input' && (name === 'type' || name === 'autocomplete'))) recheck = true;
    }
    if (recheck && this.maskingChanged(el, names)) {
      this.reserialize(el, id);
      return;
    }
    const e = c.encoder;
    const tag = localName(el);
    const base = this.bases.of(ownerDocument(el)!);
    for (const name of names) {
      if (isEventHandler(name)) continue;
      const value = getAttribute(el, name);
      if (value === null) {
        e.attrDel(id, name);
        continue;
      }
      const textMasked = TEXT_ATTRS.has(name) && this.textMaskedUnder(el);
      const valueMasked = name === 'value' && isFormField(tag) && mask.isValueMasked(el, this.textMaskedUnder(el));
      e.attr(id, name, textMasked || valueMasked ? mask.maskValue(el, value) : resolveAttribute(tag, name, value, base));
    }
  }

  /**
   * An element that became ignored leaves the viewer's copy; one that stopped being ignored is
   * written where it is now (if its parent is captured: not inside another ignored or blocked
   * element). True when the change was handled here.
   */
  private ignoreChanged(el: Element, id: number): boolean {
    const ignored = this.c.mask.isIgnored(el);
    if (id && ignored) {
      if (this.isLive(el)) this.drop(el);
      return true;
    }
    if (id || ignored) return false;
    // no id: ignored until now, or never captured (inside something not captured) — then its
    // parent has none either
    if (this.isLive(el)) this.writeInPlace(el);
    return true;
  }

  /** Whether the element's own masking or blocking differs from what it was written with. */
  private maskingChanged(el: Element, names: readonly string[]): boolean {
    const c = this.c;
    if (localName(el) === 'input' && (names.includes('type') || names.includes('autocomplete'))) return true;
    return maskStateOf(el, c.mask) !== (c.maskStates.get(el) ?? 0);
  }

  /** Writes the element again, whole, under new ids: its masking changed. */
  private reserialize(el: Element, id: number): void {
    const c = this.c;
    c.encoder.remove(id);
    c.ids.forgetSubtree(el, (x) => c.shadowOf(x));
    this.maskedAt.clear();
    this.writeInPlace(el);
  }

  /** A TREE op that writes the element, whole, where it is now. */
  private writeInPlace(el: Element): void {
    const c = this.c;
    const parent = parentNode(el)!;
    c.encoder.tree(c.ids.get(parent), this.nextCaptured(el));
    this.serializer.write(el, this.textMaskedUnder(parent), false);
    this.removeReplaced();
  }
}

/**
 * The parent node, or a shadow root's host, read through `Node.prototype`: a page's form control named
 * `parentNode` clobbers `parentNode(form)` and would make an ancestor walk loop forever.
 */
function parentOf(n: Node): Node | null {
  const p = parentNode(n);
  if (p) return p;
  return nodeType(n) === 11 ? ((n as ShadowRoot).host ?? null) : null;
}

/** Elements whose children are never captured (serialize.ts CHILDLESS). */
const UNCAPTURED_CHILDREN = new Set(['script', 'noscript', 'canvas']);

/** The name `getAttribute` takes for a record's attribute (xlink:href and friends keep their prefix). */
function qualifiedName(local: string, ns: string | null): string {
  if (!ns) return local;
  if (ns === XLINK_NS) return `xlink:${local}`;
  if (ns === XML_NS) return `xml:${local}`;
  if (ns === XMLNS_NS) return local === 'xmlns' ? local : `xmlns:${local}`;
  return local;
}
