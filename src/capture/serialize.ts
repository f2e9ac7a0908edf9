// Serializes a subtree straight into the frame encoder (SPEC.md, Nodes): one pass, iterative, with
// the masking state carried down the walk. Used for the snapshot and for every subtree added later.
import { ElementFlag, MATHML_NS, MAX_DEPTH, NodeKind, SVG_NS, HTML_NS } from '../protocol/constants.js';
import type { FrameEncoder } from '../protocol/encoder.js';
import {
  attributes,
  CDATA_NODE,
  COMMENT_NODE,
  DOCTYPE_NODE,
  DOCUMENT_NODE,
  ELEMENT_NODE,
  FRAGMENT_NODE,
  firstChild,
} from '../dom/safe-dom.js';
import { localName, namespaceURI, nextSibling, nodeType, ownerDocument, parentNode, TEXT_NODE } from '../dom/safe-dom.js';
import { boundingRect, documentMode } from './dom.js';
import { CHILDLESS, isEventHandler, isFormField, TEXT_ATTRS, VALUE_INPUT_TYPES } from './element-rules.js';
import { frameDocument, type NodeIds } from './ids.js';
import { BLOCKED_ATTR } from './marks.js';
import { maskText, type MaskPolicy } from './mask.js';
import type { SliceMarks } from './snapshot-slices.js';
import type { TreeSink } from './trees.js';
import { absoluteCssUrls, BaseUrls, resolveAttribute } from './urls.js';

/**
 * Firefox lays a not-yet-loaded image out at its width and height attributes, as the (Chromium)
 * mirror lays out a loaded one; Chromium and WebKit shrink it. So only from those two is an image
 * held back in the mirror until it loads (held back, it would shrink where the Firefox customer's is full size).
 */
const FIREFOX = 'mozInnerScreenX' in window;
import { effectiveMask, maskStateOf, MaskState, type WrittenMasks } from './written-masks.js';

/** What the serializer works with: each part owns its own state. */
export interface SerializerParts {
  readonly ids: NodeIds;
  readonly encoder: FrameEncoder;
  readonly mask: MaskPolicy;
  /** Records the masking each node is written with. */
  readonly written: WrittenMasks;
  /** Told about documents, shadow roots, template contents and frames written; finds shadow roots. */
  readonly trees: TreeSink;
  /** Called for every element written (the watchers' `elementAdded`; `snapshot`: inside a snapshot). */
  readonly elementAdded: (el: Element, tag: string, id: number, snapshot: boolean) => void;
}

// the walk's stack: parallel arrays, no object per entry
const OPEN = 0;
const CLOSE = 1;

export class Serializer {
  readonly #nodes: (Node | null)[] = [];
  readonly #info: number[] = []; // bit 0: CLOSE marker; bit 1: masked; rest: depth
  readonly #bases = new BaseUrls();
  /** Old ids of nodes written again instead of moved: the caller writes REMOVE for them after the tree. */
  readonly replaced: number[] = [];

  constructor(private readonly parts: SerializerParts) {}

  /**
   * Set while a snapshot is written over several tasks (snapshot-slices.ts): nodes the page added or
   * moved since it began are left to the delta that follows it, and every node written is noted.
   */
  slices: SliceMarks | null = null;

  /**
   * Writes `root` and its subtree as one node tree. `textMasked`: the inherited masking at `root`'s
   * parent. `snapshot`: ids are kept when nodes have them (a resync) and never written as REF; in a
   * delta, a node that already has an id is moved with a REF.
   */
  write(root: Node, textMasked: boolean, snapshot: boolean): void {
    this.begin(root, textMasked);
    this.resume(snapshot, Infinity);
  }

  /** Starts a walk from `root` (see `write`); `resume` writes it. */
  begin(root: Node, textMasked: boolean): void {
    this.#nodes.length = this.#info.length = 0;
    this.#push(root, OPEN, textMasked ? 2 : 0, 0);
  }

  /**
   * Writes the walk begun by `begin` until it ends (true) or `performance.now()` passes `until`
   * (false: the rest is written by the next call; between the two the page may change, see `slices`).
   */
  resume(snapshot: boolean, until: number): boolean {
    const nodes = this.#nodes;
    const info = this.#info;
    const e = this.parts.encoder;
    // the clock is read every 256 nodes: a few hundred microseconds of work at most
    for (let n = 1; nodes.length; n++) {
      if (!(n & 255) && performance.now() > until) return false;
      const node = nodes.pop()!;
      const bits = info.pop()!;
      if (bits & 1) {
        e.end();
        if (node) this.#pushExtras(node, bits);
        continue;
      }
      this.#open(node!, (bits & 2) !== 0, bits >>> 2, snapshot);
    }
    return true;
  }

  /** After an element's children: its shadow root, template content and frame document. */
  #pushExtras(node: Node, bits: number): void {
    if (nodeType(node) !== ELEMENT_NODE) return;
    const el = node as Element;
    const depth = bits >>> 2;
    const masked = bits & 2;
    if (depth + 2 >= MAX_DEPTH) return; // the flags announced no extras this deep
    // pushed in reverse: the shadow root is written first
    const doc = localName(el) === 'iframe' ? frameDocument(el as HTMLIFrameElement) : null;
    if (doc) this.#push(doc, OPEN, masked, depth + 1);
    if (localName(el) === 'template' && (el as HTMLTemplateElement).content) {
      this.#push((el as HTMLTemplateElement).content, OPEN, masked, depth + 1);
    }
    const shadow = this.parts.trees.shadowOf(el);
    if (shadow) this.#push(shadow, OPEN, masked, depth + 1);
  }

  #push(node: Node | null, kind: number, masked: number, depth: number): void {
    this.#nodes.push(node);
    this.#info.push(kind | masked | (depth << 2));
  }

  #open(node: Node, masked: boolean, depth: number, snapshot: boolean): void {
    const { encoder: e, ids, trees } = this.parts;
    const type = nodeType(node);
    if (type === ELEMENT_NODE && this.parts.mask.isIgnored(node as Element)) {
      // not the page (MaskOptions.ignore): nothing is written, not even a placeholder. Callers never
      // pass one as `root` (a TREE op needs exactly one node). One captured before it became ignored
      // leaves the viewer's copy with the REMOVE the caller writes for `replaced`.
      const known = ids.get(node);
      if (known) {
        if (!snapshot) this.replaced.push(known);
        ids.forgetSubtree(node, trees.shadowOf);
      }
      return;
    }
    const slices = snapshot && this.slices;
    if (slices) {
      if (slices.moved.has(node)) return; // added or moved since the snapshot began: the next delta writes it
      slices.written.add(node);
      if (type === ELEMENT_NODE) slices.elements++;
    } else if (!snapshot) {
      const known = ids.get(node);
      if (known) {
        const old = this.#rewrittenId(node, type, masked);
        if (!old) {
          e.refNode(known);
          return;
        }
        this.replaced.push(old);
      }
    }
    const id = ids.ensure(node);
    if (masked && type !== ELEMENT_NODE) this.parts.written.markMasked(node);
    switch (type) {
      case TEXT_NODE: {
        const data = (node as Text).data;
        const parent = parentNode(node);
        if (masked) e.textNode(id, maskText(data));
        else if (parent && nodeType(parent) === ELEMENT_NODE && localName(parent as Element) === 'style')
          e.textNode(id, absoluteCssUrls(data, this.#baseOf(node)));
        else e.textNode(id, data);
        return;
      }
      case COMMENT_NODE:
        e.commentNode(id, masked ? maskText((node as Comment).data) : (node as Comment).data);
        return;
      case CDATA_NODE:
        e.cdataNode(id, masked ? maskText((node as CDATASection).data) : (node as CDATASection).data);
        return;
      case DOCTYPE_NODE: {
        const dt = node as DocumentType;
        e.doctypeNode(id, dt.name, dt.publicId, dt.systemId);
        return;
      }
      case DOCUMENT_NODE:
        e.documentNode(id, documentMode(node as Document));
        trees.rootWritten(node as Document);
        this.#pushChildren(node, null, masked, depth);
        return;
      case FRAGMENT_NODE: {
        if ((node as ShadowRoot).host) {
          e.shadowNode(id, (node as ShadowRoot).mode);
          trees.rootWritten(node as ShadowRoot);
        } else {
          e.fragmentNode(id);
          trees.fragmentWritten(node as DocumentFragment);
        }
        this.#pushChildren(node, null, masked, depth);
        return;
      }
      case ELEMENT_NODE:
        this.#element(node as Element, id, masked, depth, snapshot);
        return;
      default:
        // processing instructions and the like: an empty comment keeps sibling positions intact
        e.commentNode(id, '');
    }
  }

  /**
   * In a delta, a known node about to be moved here with a REF: its old id when it must be written
   * again whole instead (its masking changes with the move, or it went unobserved), after forgetting
   * its subtree's ids; 0 to move it.
   */
  #rewrittenId(node: Node, type: number, maskedHere: boolean): number {
    const { ids, written, trees } = this.parts;
    const masked = type === ELEMENT_NODE ? effectiveMask(written.stateOf(node as Element), maskedHere) : maskedHere;
    if (!trees.isUnobserved(node) && masked === written.wasMasked(node)) return 0;
    const id = ids.get(node);
    ids.forgetSubtree(node, trees.shadowOf);
    return id;
  }

  #pushChildren(node: Node, closeFor: Element | null, masked: boolean, depth: number): void {
    const m = masked ? 2 : 0;
    this.#push(closeFor ?? null, CLOSE, m, depth);
    if (depth + 2 >= MAX_DEPTH) return; // deeper than the wire allows: the subtree ends here
    const start = this.#nodes.length;
    for (let c = firstChild(node); c; c = nextSibling(c)) this.#push(c, OPEN, m, depth + 1);
    // children were pushed first-to-last; reverse them so the first is popped first
    const nodes = this.#nodes;
    const info = this.#info;
    for (let i = start, j = nodes.length - 1; i < j; i++, j--) {
      const n = nodes[i]!;
      nodes[i] = nodes[j]!;
      nodes[j] = n;
      const b = info[i]!;
      info[i] = info[j]!;
      info[j] = b;
    }
  }

  #baseOf(node: Node): string {
    return this.#bases.of(ownerDocument(node) ?? (node as Document));
  }

  #element(el: Element, id: number, inheritedMask: boolean, depth: number, snapshot: boolean): void {
    const { encoder: e, mask, written } = this.parts;
    const tag = localName(el);
    const ns = namespaceURI(el);
    const kind =
      ns === HTML_NS
        ? NodeKind.HtmlElement
        : ns === SVG_NS
          ? NodeKind.SvgElement
          : ns === MATHML_NS
            ? NodeKind.MathElement
            : NodeKind.OtherElement;
    e.element(id, kind, tag, ns ?? '');

    const state = maskStateOf(el, mask, tag === 'input');
    written.setState(el, state);
    const masked = effectiveMask(state, inheritedMask);
    if (masked) written.markMasked(el);

    if (state & MaskState.Blocked) return this.#placeholder(el);

    const valueMasked = isFormField(tag) && mask.isValueMasked(el, masked);
    this.#attributes(el, tag, masked, valueMasked);
    const flags = this.#flags(el, tag, kind, masked, depth);
    e.elementFlags(flags, flags & ElementFlag.Value ? this.#value(el, tag, valueMasked) : undefined);

    this.parts.elementAdded(el, tag, id, snapshot);

    // a value-masked textarea's text child is its default value: mask it too
    const childMasked = masked || (valueMasked && tag === 'textarea');
    if (CHILDLESS.has(tag)) {
      this.#push(el, CLOSE, childMasked ? 2 : 0, depth);
      return;
    }
    this.#pushChildren(el, el, childMasked, depth);
  }

  /** A blocked element: a placeholder of the same box (size, margins, display), nothing inside. */
  #placeholder(el: Element): void {
    const e = this.parts.encoder;
    const rect = boundingRect(el);
    const cs = getComputedStyle(el);
    const display = cs.display;
    e.attribute(BLOCKED_ATTR, '');
    e.attribute(
      'style',
      `display:${display === 'inline' ? 'inline-block' : display};box-sizing:border-box;` +
        `width:${rect.width}px;height:${rect.height}px;margin:${cs.margin};background:#ccc`,
    );
    e.elementFlags(0);
    e.end();
  }

  #attributes(el: Element, tag: string, masked: boolean, valueMasked: boolean): void {
    const { encoder: e, mask } = this.parts;
    const base = this.#baseOf(el);
    const attrs = attributes(el);
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs[i]!;
      const name = attr.name;
      if (isEventHandler(name)) continue; // page script: never useful to the viewer
      let value = attr.value;
      if ((masked && TEXT_ATTRS.has(name)) || (valueMasked && name === 'value')) value = mask.maskValue(el, value);
      else value = resolveAttribute(tag, name, value, base);
      e.attribute(name, value);
    }
  }

  /** The element's flags: form state, and which extras (shadow root, template content, frame document) follow. */
  #flags(el: Element, tag: string, kind: NodeKind, masked: boolean, depth: number): number {
    let flags = 0;
    const html = kind === NodeKind.HtmlElement;
    if (tag === 'input' && html) {
      const input = el as HTMLInputElement;
      const type = input.type;
      if (type === 'checkbox' || type === 'radio') {
        if (input.checked) flags |= ElementFlag.Checked;
      } else if (VALUE_INPUT_TYPES.has(type)) {
        flags |= ElementFlag.Value;
      }
    } else if (tag === 'textarea' && html) {
      flags |= ElementFlag.Value;
    } else if (tag === 'option' && html) {
      // which option is chosen is the select's value: hidden when that value is masked
      const select = el.closest('select');
      const hidden = select !== null && this.parts.mask.isValueMasked(select, masked);
      if (!hidden && (el as HTMLOptionElement).selected) flags |= ElementFlag.Selected;
    } else if (tag === 'img' && html && !(el as HTMLImageElement).complete && !FIREFOX) {
      // not loaded on the customer's page (lazy, below the fold): the viewer waits for LOADED (form.ts)
      flags |= ElementFlag.Unloaded;
    }
    if (this.parts.trees.shadowOf(el)) flags |= ElementFlag.Shadow;
    if (tag === 'template' && (el as HTMLTemplateElement).content) flags |= ElementFlag.Template;
    if (tag === 'iframe' && html) {
      this.parts.trees.frameWritten(el as HTMLIFrameElement);
      if (frameDocument(el as HTMLIFrameElement)) flags |= ElementFlag.Frame;
    }
    if (depth + 2 >= MAX_DEPTH) flags &= ~(ElementFlag.Shadow | ElementFlag.Template | ElementFlag.Frame);
    return flags;
  }

  /** The value of an input or textarea flagged with ElementFlag.Value, masked when it must be. */
  #value(el: Element, tag: string, valueMasked: boolean): string {
    const v = tag === 'textarea' ? (el as HTMLTextAreaElement).value : (el as HTMLInputElement).value;
    return valueMasked ? this.parts.mask.maskValue(el, v) : v;
  }
}
