// A snapshot written over several tasks, so that a viewer joining a large page never stops the
// customer's page for long (a 100k-node page takes ~300 ms to write: one slice of SLICE_MS, then the
// browser runs input, rendering and the page's own tasks, then the next slice).
//
// It stays one SNAPSHOT frame, sent when its last slice is written: the viewer never sees half a page
// and the wire format does not change. While it is written no delta is sent (the MutationObserver's
// records are held) and the page goes on changing. Before each slice the held records are read here:
//  - a node added or moved since the snapshot began is not written by a later slice: the delta sent
//    right after the snapshot writes it where it is then, with the same ops for every viewer;
//  - a node captured before the snapshot began (a resync: live viewers know it) that leaves its place
//    before this snapshot wrote it would leave that delta naming a node the joining viewer lacks, and
//    an element whose masking changed after its subtree began to be written would leave bytes written
//    under the old masking in the frame: then the snapshot starts again (the held records go out as a
//    delta first). After MAX_RESTARTS the rest is written in one task: a page that restructures itself
//    faster than we can slice it is rare, and a long task is better than never showing it.
import type { NodeIds } from './ids.js';
import type { MaskPolicy } from './mask.js';
import type { WrittenMasks } from './written-masks.js';

/** How long one slice writes before yielding: with the frame's encryption after it, under 50 ms. */
export const SLICE_MS = 20;
export const MAX_RESTARTS = 3;

/** What the serializer notes and skips while a snapshot is written in slices. */
export interface SliceMarks {
  /** Nodes written by this snapshot so far. */
  readonly written: WeakSet<Node>;
  /** Nodes added or moved since this snapshot began: not written by it. */
  readonly moved: WeakSet<Node>;
  /** Elements written so far. */
  elements: number;
}

/** What the checks read: ids, the masking rules and what each element was written with. */
export interface SliceParts {
  readonly ids: NodeIds;
  readonly mask: MaskPolicy;
  readonly written: WrittenMasks;
}

export class SnapshotSlices implements SliceMarks {
  readonly written = new WeakSet<Node>();
  readonly moved = new WeakSet<Node>();
  /** Elements written so far (counted by the serializer), and the top document's (for progress). */
  elements = 0;
  #total = -1;
  /** Held records up to here were read. */
  #read = 0;

  constructor(
    private readonly parts: SliceParts,
    /** Times this snapshot was started again. */
    readonly restarts: number,
    private readonly doc: Document,
  ) {}

  /** The top document's elements: counted once, when a second slice needs it (not for a small page). */
  get total(): number {
    // the prototype's method: a page's own `getElementsByTagName` is not trusted (nor needed)
    if (this.#total < 0) this.#total = Document.prototype.getElementsByTagName.call(this.doc, '*').length;
    return this.#total;
  }

  /** When the next slice must yield: never once the snapshot was started again too often. */
  deadline(): number {
    return this.restarts < MAX_RESTARTS ? performance.now() + SLICE_MS : Infinity;
  }

  /** Reads the records held since the last call; false when the snapshot must start again (see above). */
  consistent(held: readonly MutationRecord[]): boolean {
    const { ids, mask, written } = this.parts;
    for (; this.#read < held.length; this.#read++) {
      const r = held[this.#read]!;
      if (r.type === 'childList') {
        for (let i = 0; i < r.addedNodes.length; i++) this.moved.add(r.addedNodes[i]!);
        if (this.#leftEarly(r.addedNodes) || this.#leftEarly(r.removedNodes)) return false;
      } else if (r.type === 'attributes' && mask.dependsOn(r.attributeName!)) {
        const el = r.target as Element;
        if (ids.get(el) && (mask.isIgnored(el) || written.changed(el, mask))) return false;
      }
    }
    return true;
  }

  /** A node captured before this snapshot began and not written by it yet. */
  #leftEarly(nodes: NodeList): boolean {
    for (let i = 0; i < nodes.length; i++) if (this.parts.ids.get(nodes[i]!) && !this.written.has(nodes[i]!)) return true;
    return false;
  }
}
