// Node ids on the sharer: a counter per capture and a WeakMap, so nodes the page drops are collected.
// Ids are never reused, so a stale id can only be unknown, never wrong.
import { ELEMENT_NODE, firstChild, localName, nextSibling, nodeType } from '../dom/safe-dom.js';

export class NodeIds {
  readonly #map = new WeakMap<Node, number>();
  /** The next id to hand out. Ids >= the value at the start of a flush belong to nodes new in it. */
  next = 1;

  get(node: Node): number {
    return this.#map.get(node) ?? 0;
  }

  /** The node's id, giving it a new one when it has none. */
  ensure(node: Node): number {
    let id = this.#map.get(node);
    if (id === undefined) {
      id = this.next++;
      this.#map.set(node, id);
    }
    return id;
  }

  /**
   * Forgets the ids of a subtree: its nodes, shadow roots, template content and same-origin frame
   * documents (iteratively: trees can be thousands of levels deep). `shadowOf` finds closed roots too.
   */
  forgetSubtree(root: Node, shadowOf: (el: Element) => ShadowRoot | null): void {
    const stack: Node[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (!this.#map.delete(node)) continue; // not captured: neither is anything below it
      for (let c = firstChild(node); c; c = nextSibling(c)) stack.push(c);
      if (nodeType(node) === ELEMENT_NODE) {
        const el = node as Element;
        const shadow = shadowOf(el);
        if (shadow) stack.push(shadow);
        if (localName(el) === 'template') stack.push((el as HTMLTemplateElement).content);
        if (localName(el) === 'iframe' || localName(el) === 'frame') {
          const doc = frameDocument(el as HTMLIFrameElement);
          if (doc) stack.push(doc);
        }
      }
    }
  }
}

/** A same-origin frame's document, or null (cross-origin, not loaded). */
export function frameDocument(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}
