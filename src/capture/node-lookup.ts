// Capture ids back to nodes, on the sharer: remote control names the element the agent saw by its
// capture id. Ids are kept node → id only (a WeakMap: the page's dropped nodes are collected), so the
// way back is a walk of the captured trees on a miss, and the node found is remembered (weakly: an
// id is never reused, so a remembered node is either still that id or gone).
import { firstChild, nextSibling } from '../dom/safe-dom.js';
import type { NodeIds } from './ids.js';

export class NodeLookup {
  readonly #found = new Map<number, WeakRef<Node>>();

  constructor(
    private readonly ids: NodeIds,
    /** The captured documents and shadow roots (each walked on its own: no descent into shadow roots). */
    private readonly roots: () => Iterable<Node>,
  ) {}

  nodeOf(id: number): Node | null {
    if (!(id > 0)) return null;
    const known = this.#found.get(id)?.deref();
    if (known && this.ids.get(known) === id) return known;
    this.#found.delete(id);
    for (const root of this.roots()) {
      const node = this.#walk(root, id);
      if (node) {
        this.#found.set(id, new WeakRef(node));
        return node;
      }
    }
    return null;
  }

  /** Depth-first, iterative (trees can be thousands deep); a node without an id has nothing captured below it. */
  #walk(root: Node, id: number): Node | null {
    const stack: Node[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      const own = this.ids.get(node);
      if (own === id) return node;
      if (!own) continue;
      for (let c = firstChild(node); c; c = nextSibling(c)) stack.push(c);
    }
    return null;
  }
}
