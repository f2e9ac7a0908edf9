// What one delta may write about a node: whether it is in a captured tree under a parent the viewer
// has, whether an element that became ignored, blocked or unblocked in this same batch hides it, and
// whether text under it is masked. Read from the DOM, which is static while a delta is built. The
// answers about ancestors (captured chain, masked text) are kept from batch to batch while nothing
// could change them: they change only when a node moves (a removal record) or an attribute the
// masking rules read changes. Typing, React's `value` writes and class toggles keep them.
import { ELEMENT_NODE, FRAGMENT_NODE, localName, nodeType, parentNode } from '../dom/safe-dom.js';
import { CHILDLESS } from './element-rules.js';
import type { NodeIds } from './ids.js';
import type { MaskPolicy } from './mask.js';
import type { ObservedTrees } from './trees.js';
import type { WrittenMasks } from './written-masks.js';

export class DeltaScope {
  /** Captured elements that became ignored in this batch (see `hidden`). */
  readonly #newlyIgnored = new Set<Node>();
  /** Captured elements that became blocked in this batch: nothing inside them is written (see `hidden`). */
  readonly #newlyBlocked = new Set<Node>();
  /**
   * Captured elements that stopped being blocked in this batch: the viewer has only their placeholder,
   * so nothing inside them is written on its own; they are written again whole.
   */
  readonly #newlyUnblocked = new Set<Node>();
  /** Per node: `capturedChain`'s answer, so siblings, cousins and the next batches share one walk up. */
  #chains = new WeakMap<Node, boolean>();
  /** `capturedChain`'s walk: nodes not answered yet, reused (no array per call). */
  readonly #path: Node[] = [];
  /** Per node: `textMaskedUnder`'s answer. */
  #maskedAt = new WeakMap<Node, boolean>();

  constructor(
    private readonly ids: NodeIds,
    private readonly mask: MaskPolicy,
    private readonly written: WrittenMasks,
    private readonly trees: ObservedTrees,
  ) {}

  /**
   * Notes the captured elements whose attribute changes made them ignored, blocked or unblocked
   * (`maskChanges`: the elements with a change of an attribute masking reads, MutationBatch.maskChanges);
   * `moved`: the batch removed (or moved) nodes. Either drops the answers kept about ancestors.
   */
  begin(maskChanges: readonly Element[], moved: boolean): void {
    const { ids, mask } = this;
    for (let i = 0; i < maskChanges.length; i++) {
      const el = maskChanges[i]!;
      if (!ids.get(el)) continue;
      // became ignored: nothing under it is written from here on (it goes last, so nodes moved out
      // of it first are still there to move)
      if (mask.isIgnored(el)) this.#newlyIgnored.add(el);
      // became blocked: its placeholder is written with the attributes; a change inside it in this
      // same batch must not be written first
      const was = this.written.wasBlocked(el);
      const now = mask.isBlocked(el);
      if (!was && now) this.#newlyBlocked.add(el);
      else if (was && !now) this.#newlyUnblocked.add(el);
    }
    if (moved || maskChanges.length) this.#forgetAncestry();
  }

  clear(): void {
    this.#newlyIgnored.clear();
    this.#newlyBlocked.clear();
    this.#newlyUnblocked.clear();
  }

  #forgetAncestry(): void {
    this.#chains = new WeakMap();
    this.#maskedAt = new WeakMap();
  }

  /** Masking was rewritten (an element written again): cached answers may be stale. */
  maskingRewritten(): void {
    this.#forgetAncestry();
  }

  /** A known node the viewer still has where it is: attached, under a captured parent, not hidden. */
  isLive(node: Node): boolean {
    if (!this.trees.isAttached(node)) return false;
    const p = parentNode(node);
    if (!p || !this.ids.get(p)) return false;
    if (this.hidden(p)) return false; // moved into an element that just became ignored: it goes with it
    return this.capturedChain(p);
  }

  /**
   * No ancestor of `p` (or `p`) keeps its subtree out of the capture (ignored, blocked, script-like).
   * A captured node moved in this batch under such an element keeps its stale id until its REMOVE:
   * changes inside it must not be written before that. Ancestors new in this batch, not written
   * yet, do not count against it.
   */
  capturedChain(p: Node): boolean {
    // up to the first node answered already (or the root), then down again, answering each: a batch
    // of changes under one parent (a list's rows) walks the ancestors once, not once per change
    const chains = this.#chains;
    const path = this.#path;
    let ok: boolean | undefined = true;
    for (let n: Node | null = p; n; n = parentOf(n)) {
      if ((ok = chains.get(n)) !== undefined) break;
      path.push(n);
      ok = true;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const n = path[i]!;
      if (ok && nodeType(n) === ELEMENT_NODE) {
        const el = n as Element;
        ok = !(CHILDLESS.has(localName(el)) || this.mask.isIgnored(el) || this.mask.isBlocked(el));
      }
      chains.set(n, ok!);
    }
    path.length = 0;
    return ok!;
  }

  /**
   * Inside (or one of) the elements that became ignored, blocked or unblocked in this batch: its changes
   * are not written. `blockedSelf`: false when `node` is the element whose own change is being written
   * (a newly blocked element still gets its placeholder, a newly unblocked one is written whole).
   */
  hidden(node: Node, blockedSelf = true): boolean {
    const ignored = this.#newlyIgnored;
    const blocked = this.#newlyBlocked;
    const unblocked = this.#newlyUnblocked;
    if (ignored.size === 0 && blocked.size === 0 && unblocked.size === 0) return false;
    for (let n: Node | null = node; n; n = parentOf(n)) {
      if (ignored.has(n)) return true;
      if ((blocked.has(n) || unblocked.has(n)) && (blockedSelf || n !== node)) return true;
    }
    return false;
  }

  /** Whether text placed under `parent` is masked. */
  textMaskedUnder(parent: Node): boolean {
    let m = this.#maskedAt.get(parent);
    if (m === undefined) {
      const mask = this.mask;
      m = mask.isTextMaskedAt(parent);
      if (!m && nodeType(parent) === ELEMENT_NODE && localName(parent as Element) === 'textarea') {
        m = mask.isValueMasked(parent as Element, false);
      }
      this.#maskedAt.set(parent, m);
    }
    return m;
  }
}

/**
 * The parent node, or a shadow root's host, read through `Node.prototype`: a page's form control named
 * `parentNode` clobbers `parentNode(form)` and would make an ancestor walk loop forever.
 */
function parentOf(n: Node): Node | null {
  const p = parentNode(n);
  if (p) return p;
  return nodeType(n) === FRAGMENT_NODE ? ((n as ShadowRoot).host ?? null) : null;
}
