// The net change of one batch of MutationObserver records, written as ops: inserts (new subtrees and
// moves) first, then new shadow roots and frame documents, then removes, then text and attribute
// changes of nodes that stayed. One builder per capture; its per-batch state is dropped after each.
import type { FrameEncoder } from '../protocol/encoder.js';
import { ELEMENT_NODE, getAttribute, localName, nextSibling, nodeType, ownerDocument, parentNode } from '../dom/safe-dom.js';
import { DeltaScope } from './delta-scope.js';
import { isEventHandler, isFormField, TEXT_ATTRS } from './element-rules.js';
import { frameDocument, type NodeIds } from './ids.js';
import { maskText, type MaskPolicy } from './mask.js';
import { MutationBatch } from './mutation-batch.js';
import type { Serializer } from './serialize.js';
import type { ObservedTrees } from './trees.js';
import { absoluteCssUrls, BaseUrls, resolveAttribute } from './urls.js';
import type { WrittenMasks } from './written-masks.js';

export interface DeltaParts {
  readonly ids: NodeIds;
  readonly encoder: FrameEncoder;
  readonly mask: MaskPolicy;
  readonly written: WrittenMasks;
  readonly trees: ObservedTrees;
}

export class DeltaBuilder {
  readonly #batch = new MutationBatch((el, name) => this.parts.mask.dependsOn(name) || privateTextArea(el, name));
  readonly #scope: DeltaScope;
  readonly #emitted = new Set<Node>();
  readonly #bases = new BaseUrls();
  /** Ids from here on belong to nodes written in this batch. */
  #firstNew = 0;
  /** See `build`. */
  #sameStart = true;

  constructor(
    private readonly parts: DeltaParts,
    private readonly serializer: Serializer,
  ) {
    this.#scope = new DeltaScope(parts.ids, parts.mask, parts.written, parts.trees);
  }

  /** Whether text under `node` is masked (DeltaScope.textMaskedUnder: kept until masking could change). */
  textMasked(node: Node): boolean {
    return this.#scope.textMaskedUnder(node);
  }

  /**
   * Writes the ops of `records` and of the trees' new shadow roots and frame documents (a frame is
   * open). `sameStart`: every viewer had the page as it was before the first record (not so for the
   * records held while a snapshot was written in slices: it wrote parts of the page after some of them),
   * so an attribute back to the value it had then changed nothing.
   */
  build(records: readonly MutationRecord[], sameStart = true): void {
    const { parts } = this;
    const batch = this.#batch;
    const scope = this.#scope;
    this.#firstNew = parts.ids.next;
    this.#sameStart = sameStart;
    try {
      batch.collect(records);
      scope.begin(batch.maskChanges, batch.removed.size > 0);
      for (const node of batch.added) this.#insert(node);
      for (const host of parts.trees.newShadows) this.#attachShadow(host);
      for (const frame of parts.trees.loadedFrames) this.#replaceFrameDocument(frame);
      this.#removeAll(batch.removed);
      for (const t of batch.texts) this.#text(t);
      batch.attrs.forEach(this.#attributes); // forEach: no entry array per element (a cold path allocates them)
    } finally {
      batch.clear();
      scope.clear();
      this.#emitted.clear();
      this.#bases.clear();
    }
  }

  /** Known before this batch (new nodes are written inside their new subtree). */
  #isOld(id: number): boolean {
    return id > 0 && id < this.#firstNew;
  }

  #insert(node: Node): void {
    const { ids, mask } = this.parts;
    const emitted = this.#emitted;
    const scope = this.#scope;
    if (emitted.has(node)) return;
    if (ids.get(node) >= this.#firstNew) return; // written inside a new subtree already
    const parent = parentNode(node);
    if (!parent || !this.parts.trees.isAttached(node)) return;
    const pid = ids.get(parent);
    if (!this.#isOld(pid)) return; // parent not captured, or new (its subtree has this)
    if (nodeType(parent) === ELEMENT_NODE && !this.parts.written.childrenCaptured(parent as Element)) return;
    if (scope.hidden(parent) || !scope.capturedChain(parent)) return;
    // siblings inserted next to each other: write the run from its end, so each `before` exists
    const added = this.#batch.added;
    let end = node;
    for (let n = nextSibling(end); n && !emitted.has(n) && (added.has(n) || !ids.get(n)); n = nextSibling(end)) end = n;
    const masked = scope.textMaskedUnder(parent);
    let c: Node = end;
    for (;;) {
      if (nodeType(c) === ELEMENT_NODE && mask.isIgnored(c as Element))
        this.#drop(c); // inserted or moved: nothing to say
      else this.#writeTree(pid, this.#nextCaptured(c), c, masked);
      emitted.add(c);
      if (c === node) break;
      c = c.previousSibling!;
    }
  }

  /** A TREE op: `node` written under `pid` before `before`, then REMOVE for what it replaced. */
  #writeTree(pid: number, before: number, node: Node, masked: boolean): void {
    this.parts.encoder.tree(pid, before);
    this.serializer.write(node, masked, false); // a known node becomes a REF (or is written again)
    const replaced = this.serializer.replaced;
    for (let i = 0; i < replaced.length; i++) this.parts.encoder.remove(replaced[i]!);
    replaced.length = 0;
  }

  /**
   * The id of the first following sibling the viewer has, for a TREE's `before` (0: append). Siblings
   * without one are ignored elements (the run being written goes from its end, so the others have
   * theirs already).
   */
  #nextCaptured(node: Node): number {
    const ids = this.parts.ids;
    let next = nextSibling(node);
    while (next && !ids.get(next)) next = nextSibling(next);
    return next ? ids.get(next) : 0;
  }

  /** Removes a node from the viewer's copy (when it has it) and forgets its subtree's ids. */
  #drop(node: Node): void {
    const { ids, encoder, trees } = this.parts;
    const id = ids.get(node);
    if (!id) return;
    encoder.remove(id);
    ids.forgetSubtree(node, trees.shadowOf);
  }

  #attachShadow(host: Element): void {
    const { ids, trees } = this.parts;
    const hid = ids.get(host);
    if (!this.#isOld(hid) || !this.#scope.isLive(host)) return;
    const root = trees.shadowOf(host);
    if (!root || ids.get(root) || this.#scope.hidden(host)) return;
    this.#writeTree(hid, 0, root, this.#scope.textMaskedUnder(host));
  }

  #replaceFrameDocument(frame: HTMLIFrameElement): void {
    const { ids, trees } = this.parts;
    const fid = ids.get(frame);
    if (!this.#isOld(fid) || !this.#scope.isLive(frame)) return;
    const doc = frameDocument(frame);
    if (!doc || ids.get(doc) || this.#scope.hidden(frame)) return; // cross-origin now, or the document we have already
    const old = trees.swapFrameDocument(frame, doc);
    if (old) ids.forgetSubtree(old, trees.shadowOf);
    this.#writeTree(fid, 0, doc, this.#scope.textMaskedUnder(frame));
  }

  #removeAll(removed: Set<Node>): void {
    const { ids, encoder, trees } = this.parts;
    // ids first, then forget: forgetting one subtree must not hide a node removed on its own
    const gone: Node[] = [];
    for (const node of removed) {
      const id = ids.get(node);
      if (!this.#isOld(id) || this.#scope.isLive(node)) continue;
      encoder.remove(id);
      gone.push(node);
    }
    for (const node of gone) ids.forgetSubtree(node, trees.shadowOf);
  }

  #text(node: Node): void {
    const id = this.parts.ids.get(node);
    if (!this.#isOld(id) || !this.#scope.isLive(node) || this.#scope.hidden(node)) return;
    const parent = parentNode(node)!;
    let data = (node as CharacterData).data;
    if (this.#scope.textMaskedUnder(parent)) data = maskText(data);
    else if (nodeType(parent) === ELEMENT_NODE && localName(parent as Element) === 'style') {
      data = absoluteCssUrls(data, this.#bases.of(ownerDocument(node)!));
    }
    this.parts.encoder.text(id, data);
  }

  /** `changes`: name, value before the batch, ... (MutationBatch.attrs); rewritten here to name, value now, ... */
  readonly #attributes = (changes: (string | null)[], el: Element): void => {
    const { ids, mask } = this.parts;
    const id = ids.get(el);
    if (id >= this.#firstNew) return;
    // only what really changed: frameworks write many attributes again with the value they had
    let n = 0;
    let maskAttr = false;
    let typeChanged = false;
    for (let i = 0; i < changes.length; i += 2) {
      const name = changes[i]!;
      const now = getAttribute(el, name);
      if (now === changes[i + 1] && this.#sameStart) continue;
      changes[n++] = name;
      changes[n++] = now;
      maskAttr ||= mask.dependsOn(name);
      typeChanged ||= name === 'type' || name === 'autocomplete';
    }
    if (!n) return;
    changes.length = n;
    if (maskAttr && this.#ignoreChanged(el, id)) return;
    if (!id || !this.#scope.isLive(el) || this.#scope.hidden(el, false)) return;
    const tag = localName(el);
    typeChanged &&= tag === 'input';
    // React writes `type` on every render of a field: only a change of what is private rewrites it
    if ((maskAttr || typeChanged) && this.parts.written.changed(el, mask, tag)) return this.#rewrite(el, id);
    const e = this.parts.encoder;
    const base = this.#bases.of(ownerDocument(el)!);
    for (let i = 0; i < changes.length; i += 2) {
      const name = changes[i]!;
      if (isEventHandler(name)) continue;
      const value = changes[i + 1]!;
      if (value === null) {
        e.attrDel(id, name);
        continue;
      }
      const textMasked = TEXT_ATTRS.has(name) && this.#scope.textMaskedUnder(el);
      const valueMasked = name === 'value' && isFormField(tag) && mask.isValueMasked(el, this.#scope.textMaskedUnder(el));
      e.attr(id, name, textMasked || valueMasked ? mask.maskValue(el, value) : resolveAttribute(tag, name, value, base));
    }
  };

  /**
   * An element that became ignored leaves the viewer's copy; one that stopped being ignored is
   * written where it is now (if its parent is captured: not inside another ignored or blocked
   * element). True when the change was handled here.
   */
  #ignoreChanged(el: Element, id: number): boolean {
    const ignored = this.parts.mask.isIgnored(el);
    if (id && ignored) {
      if (this.#scope.isLive(el)) this.#drop(el);
      return true;
    }
    if (id || ignored) return false;
    // no id: ignored until now, or never captured (inside something not captured) — then its
    // parent has none either
    if (this.#scope.isLive(el)) this.#writeInPlace(el);
    return true;
  }

  /** Writes the element again, whole, under new ids: its masking changed. */
  #rewrite(el: Element, id: number): void {
    const { ids, encoder, trees } = this.parts;
    encoder.remove(id);
    ids.forgetSubtree(el, trees.shadowOf);
    this.#scope.maskingRewritten();
    this.#writeInPlace(el);
  }

  /** A TREE op that writes the element, whole, where it is now. */
  #writeInPlace(el: Element): void {
    const parent = parentNode(el)!;
    this.#writeTree(this.parts.ids.get(parent), this.#nextCaptured(el), el, this.#scope.textMaskedUnder(parent));
  }
}

/**
 * A textarea's `type`/`autocomplete` say whether its text is private (mask.ts), like the masking
 * attributes (an input's are checked where they are written: WrittenMasks.changed).
 */
function privateTextArea(el: Element, name: string): boolean {
  return (name === 'type' || name === 'autocomplete') && localName(el) === 'textarea';
}
