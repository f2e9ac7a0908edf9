// The trees one capture observes: documents (the top one and same-origin frames'), shadow roots
// (closed ones too: `attachShadow` is patched in each realm), `<template>` contents, and frame elements
// (a frame that loads gets a new document). The serializer reports each one it writes; what changes
// outside the MutationObserver's view (a new shadow root, a frame's new document) waits here for the
// next delta.
import {
  addListener,
  defaultView,
  DOCUMENT_NODE,
  FRAGMENT_NODE,
  isConnected,
  nodeType,
  removeListener,
  shadowRoot,
} from '../dom/safe-dom.js';
import type { CaptureRoot } from './context.js';
import { frameDocument, type NodeIds } from './ids.js';
import { afterMethod } from './patches.js';
import type { WatcherSet } from './watcher-set.js';
import { rootNode } from './dom.js';

// old values: an attribute written again with the value it had is left out of the delta (mutation-batch.ts)
const OBSERVE: MutationObserverInit = { childList: true, subtree: true, attributes: true, attributeOldValue: true, characterData: true };

/** What the serializer reports while it writes, and asks about shadow roots. */
export interface TreeSink {
  /** Open or closed shadow root of a host (closed ones are recorded by the attachShadow patch). */
  readonly shadowOf: (el: Element) => ShadowRoot | null;
  /** A document or shadow root was written: observe it. */
  rootWritten(root: CaptureRoot): void;
  /** A frame element was written: watch it for navigation. */
  frameWritten(frame: HTMLIFrameElement): void;
  /** A `<template>`'s content was written: observe it. */
  fragmentWritten(fragment: DocumentFragment): void;
  /** Detached at a delivery before a deferred flush: what happened to it since is unknown. */
  isUnobserved(node: Node): boolean;
}

export class ObservedTrees implements TreeSink {
  readonly #roots = new Set<CaptureRoot>();
  readonly #observed = new WeakSet<Node>();
  readonly #closedShadows = new WeakMap<Element, ShadowRoot>();
  /** `<template>` contents captured (their nodes are live although not connected). */
  readonly #fragments = new WeakSet<DocumentFragment>();
  readonly #frameDocs = new WeakMap<HTMLIFrameElement, Document>();
  readonly #watchedFrames = new Map<HTMLIFrameElement, () => void>();
  readonly #patchedRealms = new WeakSet<object>();
  readonly #unpatch: (() => void)[] = [];
  /** Captured hosts that got a shadow root since the last delta. */
  readonly newShadows = new Set<Element>();
  /** Captured frames that loaded a document since the last delta. */
  readonly loadedFrames = new Set<HTMLIFrameElement>();
  /** Nodes detached at a MutationObserver delivery before a deferred flush (a held flush, see CaptureOptions.batch). */
  readonly #unobserved = new Set<Node>();

  constructor(
    private readonly observer: MutationObserver,
    private readonly ids: NodeIds,
    private readonly watchers: WatcherSet,
    /** Asks for a delta soon. */
    private readonly changed: () => void,
  ) {}

  /** One function for the whole capture (ids.forgetSubtree takes it on every call). */
  readonly shadowOf = (el: Element): ShadowRoot | null => shadowRoot(el) ?? this.#closedShadows.get(el) ?? null;

  rootWritten(root: CaptureRoot): void {
    this.#roots.add(root);
    if (this.#observed.has(root)) return;
    this.#observed.add(root);
    this.observer.observe(root, OBSERVE);
    if (nodeType(root) === DOCUMENT_NODE) this.#patchRealm(defaultView(root as Document));
    this.watchers.rootAdded(root);
  }

  frameWritten(frame: HTMLIFrameElement): void {
    const doc = frameDocument(frame);
    if (doc) this.#frameDocs.set(frame, doc);
    if (this.#watchedFrames.has(frame)) return;
    // a frame that loads (srcdoc, src, navigation) gets a new document: send it whole
    const onLoad = () => {
      this.loadedFrames.add(frame);
      this.changed();
    };
    addListener(frame, 'load', onLoad, false);
    this.#watchedFrames.set(frame, () => removeListener(frame, 'load', onLoad, false));
  }

  fragmentWritten(fragment: DocumentFragment): void {
    this.#fragments.add(fragment);
    if (this.#observed.has(fragment)) return;
    this.#observed.add(fragment);
    this.observer.observe(fragment, OBSERVE);
  }

  isUnobserved(node: Node): boolean {
    return this.#unobserved.has(node);
  }

  /** In a captured tree: connected, or inside a captured `<template>`'s content. */
  isAttached(node: Node): boolean {
    if (isConnected(node)) return true;
    const root = rootNode(node);
    return nodeType(root) === FRAGMENT_NODE && this.#fragments.has(root as DocumentFragment) && this.ids.get(root) > 0;
  }

  /** Records the frame's current document; returns the one written before (its ids are to forget). */
  swapFrameDocument(frame: HTMLIFrameElement, doc: Document): Document | undefined {
    const old = this.#frameDocs.get(frame);
    this.#frameDocs.set(frame, doc);
    return old;
  }

  /**
   * A delivery before a deferred flush: a node detached now is no longer observed after this
   * checkpoint (its transient observer ends), so what happens to it until the flush is unknown: if
   * it comes back, it is written again whole instead of moved.
   */
  noteDetached(records: readonly MutationRecord[]): void {
    for (const r of records) {
      if (r.type !== 'childList') continue; // an attribute record's removedNodes is a new empty list
      const removed = r.removedNodes;
      for (let i = 0; i < removed.length; i++) if (!isConnected(removed[i]!)) this.#unobserved.add(removed[i]!);
    }
  }

  /** A delta was written: what waited for it is in it. */
  written(): void {
    this.newShadows.clear();
    this.loadedFrames.clear();
    this.#unobserved.clear();
  }

  /** Every root still captured (for the watchers). */
  liveRoots(): Iterable<CaptureRoot> {
    for (const root of this.#roots) if (!this.ids.get(root)) this.#roots.delete(root);
    return this.#roots;
  }

  stop(): void {
    for (const off of this.#watchedFrames.values()) off();
    this.#watchedFrames.clear();
    for (const off of this.#unpatch) off();
    this.#unpatch.length = 0;
    this.#roots.clear();
    this.written();
  }

  /** Patches `attachShadow` in a realm (the top window or a same-origin frame's) once. */
  #patchRealm(win: (Window & typeof globalThis) | null): void {
    if (!win || this.#patchedRealms.has(win)) return;
    this.#patchedRealms.add(win);
    this.#unpatch.push(
      afterMethod(win.Element.prototype, 'attachShadow', (host, _args, root) => {
        this.#closedShadows.set(host, root as ShadowRoot);
        if (this.ids.get(host)) {
          this.newShadows.add(host);
          this.changed();
        }
      }),
    );
  }
}
