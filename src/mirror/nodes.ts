// The id <-> node map (rrweb's `Mirror`), plus the links the DOM does not give back to us reliably:
// closed shadow roots, template contents and frame documents.
import * as dom from '../dom/safe-dom.js';
import type { Place } from './depth.js';

export class NodeMap {
  #byId = new Map<number, Node>();
  #idOf = new WeakMap<Node, number>();
  /** Our own reference to every shadow root we attached (closed ones are invisible otherwise). */
  readonly shadowOf = new WeakMap<Element, ShadowRoot>();
  /** `<template>` content fragment -> its template. */
  readonly templateOf = new WeakMap<DocumentFragment, Element>();
  /** Frame document -> its `<iframe>` element, and back. */
  readonly frameOf = new WeakMap<Document, Element>();
  readonly docOf = new WeakMap<Element, Document>();
  /**
   * The render depth cap (depth.ts): a container whose children would be laid out too deep holds them in
   * a detached node instead (a fragment; a document for a frame document), and back. `holding` is set
   * once anything was held: until then `parent()` and `walk()` skip the look-ups.
   */
  readonly held = new WeakMap<Node, Node>();
  readonly heldBy = new WeakMap<Node, Node>();
  holding = false;
  /**
   * How deep below each shadow host its deepest `<slot>` is laid out (1: a child of the shadow root): its
   * light children are laid out under that slot, so they count from there (depth.ts). Only grows.
   */
  readonly slotDepth = new WeakMap<Node, number>();
  slotted = false;
  /** Hosts whose slot depth grew: their light children are cut again at the end of the TREE op. */
  readonly relight: Element[] = [];
  /** Bumped by whatever can change a node's level (a move, a removal, a cut): `places` older are stale. */
  gen = 0;
  /** The places of TREE ops' parents, each with the `gen` it was found in (depth.ts parentPlace). */
  readonly places = new WeakMap<Node, { gen: number; place: Place }>();
  /** How many frame documents exist (0 lets moves skip the frame re-homing walk). */
  frames = 0;
  /** Id of the top document (0 before the first snapshot). */
  topId = 0;
  /**
   * Content of this page was left out of the view at some point: held below the depth cap (depth.ts), or
   * an SVG `<use>` copy or a resource's painting too deep or past the budget (uses.ts, paints.ts).
   * Mirror.partial; a new page starts false.
   */
  partial = false;

  get size(): number {
    return this.#byId.size;
  }
  /** Every node of the page, in no set order. */
  nodes(): IterableIterator<Node> {
    return this.#byId.values();
  }
  get(id: number): Node | undefined {
    return this.#byId.get(id);
  }
  has(id: number): boolean {
    return this.#byId.has(id);
  }
  id(node: Node): number {
    return this.#idOf.get(node) ?? -1;
  }
  set(id: number, node: Node): void {
    this.#byId.set(id, node);
    this.#idOf.set(node, id);
  }
  clear(): void {
    this.#byId.clear();
    this.#idOf = new WeakMap();
    this.frames = 0;
    this.topId = 0;
    this.holding = this.slotted = false;
    this.relight.length = 0;
  }

  /**
   * The parent in the mirror's tree model: the DOM parent, except that a shadow root's parent is its
   * host, a template content's is its template, a frame document's is its `<iframe>`, and a held node's
   * is the container that holds it (depth.ts).
   */
  parent(node: Node): Node | null {
    const t = dom.nodeType(node);
    if (t === dom.DOCUMENT_NODE) return this.frameOf.get(node as Document) ?? null;
    if (t === dom.FRAGMENT_NODE) {
      if (node instanceof ShadowRoot || isShadowRoot(node)) return dom.shadowHost(node as ShadowRoot);
      return this.templateOf.get(node as DocumentFragment) ?? null;
    }
    const p = dom.parentNode(node);
    return p && this.holding ? (this.heldBy.get(p) ?? p) : p;
  }

  /**
   * Every node of a subtree in the tree model (children, shadow root, template content, frame doc, and
   * held children, each holder included: it has no id).
   */
  *walk(root: Node): Generator<Node> {
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      yield n;
      if (dom.nodeType(n) === dom.ELEMENT_NODE) {
        const el = n as Element;
        const sr = this.shadowOf.get(el);
        if (sr) stack.push(sr);
        const d = this.docOf.get(el);
        if (d) stack.push(d);
        if (dom.isHtml(el, 'template')) stack.push(dom.templateContent(el as HTMLTemplateElement));
      }
      const h = this.holding ? this.held.get(n) : undefined;
      if (h) stack.push(h);
      for (let c = dom.firstChild(n); c; c = dom.nextSibling(c)) stack.push(c);
    }
  }

  /** Forgets one id (unless its node has been given a newer id since). */
  releaseId(id: number): void {
    const n = this.#byId.get(id);
    if (!n) return;
    this.#byId.delete(id);
    if (this.#idOf.get(n) === id) this.#idOf.delete(n);
  }

  /** Forgets every id of a subtree (at the end of the frame that removed it). */
  release(root: Node): void {
    for (const n of this.walk(root)) {
      const id = this.#idOf.get(n);
      if (id !== undefined && this.#byId.get(id) === n) this.#byId.delete(id);
      this.#idOf.delete(n);
      if (dom.nodeType(n) === dom.DOCUMENT_NODE && this.frameOf.has(n as Document)) this.frames--;
    }
  }
}

const shadowProto = ShadowRoot.prototype;
/** ShadowRoot check that works across realms (instanceof does not). */
export function isShadowRoot(n: Node): boolean {
  if (dom.nodeType(n) !== dom.FRAGMENT_NODE) return false;
  try {
    Object.getOwnPropertyDescriptor(shadowProto, 'host')!.get!.call(n);
    return true;
  } catch {
    return false;
  }
}
