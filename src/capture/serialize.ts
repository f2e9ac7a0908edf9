// Serializes a subtree straight into the frame encoder (SPEC.md, Nodes): one pass, iterative, with
// the masking state carried down the walk. Used for the snapshot and for every subtree added later.
import { ElementFlag, MATHML_NS, MAX_DEPTH, NodeKind, SVG_NS, HTML_NS } from '../protocol/constants.js';
import type { FrameEncoder } from '../protocol/encoder.js';
import type { CaptureModule } from './context.js';
import { frameDocument, type NodeIds } from './ids.js';
import { maskText, type MaskPolicy } from './mask.js';
import { absoluteCssUrls, BaseUrls, resolveAttribute } from './urls.js';
import { attributes, firstChild, localName, namespaceURI, nextSibling, nodeType, ownerDocument, parentNode } from '../dom/safe-dom.js';
import { boundingRect, compatMode, doctype } from './dom.js';

/** Attributes that show text to a person: masked with the text of a masked element. */
export const TEXT_ATTRS = new Set(['title', 'alt', 'placeholder', 'aria-label', 'aria-description', 'aria-valuetext', 'label']);
/** Input types whose `value` is what the user typed or chose (not buttons, not files). */
const VALUE_INPUT_TYPES = new Set([
  'text', 'search', 'email', 'url', 'tel', 'password', 'number', 'range', 'color',
  'date', 'datetime-local', 'month', 'week', 'time', 'hidden',
]);
export const BLOCKED_ATTR = 'data-cobrowse-blocked';

/** Per element masking state that differs from "inherit, not blocked"; to notice when it changes. */
export const enum MaskState {
  Blocked = 1,
  Masks = 2,
  Unmasks = 4,
}

export interface SerializerHost {
  readonly ids: NodeIds;
  readonly encoder: FrameEncoder;
  readonly mask: MaskPolicy;
  /** Open or closed shadow root of a host (closed ones are recorded by the attachShadow patch). */
  shadowOf(el: Element): ShadowRoot | null;
  /** A document or shadow root was serialized: observe it. */
  rootSerialized(root: Document | ShadowRoot): void;
  /** A frame element was serialized: watch it for navigation. */
  frameSerialized(frame: HTMLIFrameElement): void;
  /** A `<template>`'s content was serialized: observe it. */
  fragmentSerialized(fragment: DocumentFragment): void;
  /**
   * In a delta, a known node about to be moved here with a REF: returns its old id when it must be
   * written again whole instead (its masking changes with the move, or it went unobserved), after
   * forgetting its subtree's ids; 0 to move it.
   */
  rewriteInsteadOfMove(node: Node, maskedHere: boolean): number;
  /** Nodes written while masked (text, and elements whose text is masked): to notice moves out. */
  readonly maskedNodes: WeakSet<Node>;
  /** Elements whose masking state is not the default (see MaskState). */
  readonly maskStates: WeakMap<Element, number>;
  /** Module hooks by tag, and for every element. */
  readonly tagHooks: Map<string, CaptureModule[]>;
  readonly allHooks: CaptureModule[];
  readonly context: Parameters<NonNullable<CaptureModule['elementAdded']>>[2];
}

// the walk's stack: parallel arrays, no object per entry
const OPEN = 0;
const CLOSE = 1;

/**
 * Elements whose children are never captured: script text (may hold user data, never useful), and
 * the fallback content of `<noscript>` and `<canvas>`, which the sharer (scripting on) never shows but
 * the viewer's script-less iframe would.
 */
const CHILDLESS = new Set(['script', 'noscript', 'canvas']);

/** Whether the children of this element are captured (blocked and CHILDLESS elements show none). */
export function childrenCaptured(el: Element, maskStates: WeakMap<Element, number>): boolean {
  return !CHILDLESS.has(localName(el)) && !((maskStates.get(el) ?? 0) & MaskState.Blocked);
}

/** The masking state of an element given its own rules. */
export function maskStateOf(el: Element, mask: MaskPolicy): number {
  let state = 0;
  if (mask.isBlocked(el)) state |= MaskState.Blocked;
  const rule = mask.ownTextRule(el);
  if (rule === true) state |= MaskState.Masks;
  else if (rule === false) state |= MaskState.Unmasks;
  return state;
}

export class Serializer {
  private readonly nodes: (Node | null)[] = [];
  private readonly info: number[] = []; // bit 0: CLOSE marker; bit 1: masked; rest: depth
  private readonly bases = new BaseUrls();
  /** Old ids of nodes written again instead of moved: the caller writes REMOVE for them after the tree. */
  readonly replaced: number[] = [];

  constructor(private readonly host: SerializerHost) {}

  /**
   * Writes `root` and its subtree as one node tree. `textMasked`: the inherited masking at `root`'s
   * parent. `snapshot`: ids are kept when nodes have them (a resync) and never written as REF; in a
   * delta, a node that already has an id is moved with a REF.
   */
  write(root: Node, textMasked: boolean, snapshot: boolean): void {
    const { nodes, info } = this;
    const e = this.host.encoder;
    nodes.length = 0;
    info.length = 0;
    nodes.push(root);
    info.push((textMasked ? 2 : 0) | (0 << 2));
    while (nodes.length) {
      const node = nodes.pop()!;
      const bits = info.pop()!;
      if (bits & 1) {
        e.end();
        if (node) this.pushExtras(node, bits);
        continue;
      }
      this.open(node!, (bits & 2) !== 0, bits >>> 2, snapshot);
    }
  }

  /** After an element's children: its shadow root, template content and frame document. */
  private pushExtras(node: Node, bits: number): void {
    if (nodeType(node) !== 1) return;
    const el = node as Element;
    const depth = bits >>> 2;
    const masked = bits & 2;
    if (depth + 2 >= MAX_DEPTH) return; // the flags announced no extras this deep
    // pushed in reverse: the shadow root is written first
    const doc = localName(el) === 'iframe' ? frameDocument(el as HTMLIFrameElement) : null;
    if (doc) this.push(doc, OPEN, masked, depth + 1);
    if (localName(el) === 'template' && (el as HTMLTemplateElement).content) {
      this.push((el as HTMLTemplateElement).content, OPEN, masked, depth + 1);
    }
    const shadow = this.host.shadowOf(el);
    if (shadow) this.push(shadow, OPEN, masked, depth + 1);
  }

  private push(node: Node | null, kind: number, masked: number, depth: number): void {
    this.nodes.push(node);
    this.info.push(kind | masked | (depth << 2));
  }

  private open(node: Node, masked: boolean, depth: number, snapshot: boolean): void {
    const h = this.host;
    const e = h.encoder;
    const ids = h.ids;
    if (nodeType(node) === 1 && h.mask.isIgnored(node as Element)) {
      // not the page (MaskOptions.ignore): nothing is written, not even a placeholder. Callers never
      // pass one as `root` (a TREE op needs exactly one node). One captured before it became ignored
      // leaves the viewer's copy with the REMOVE the caller writes for `replaced`.
      const known = ids.get(node);
      if (known) {
        if (!snapshot) this.replaced.push(known);
        ids.forgetSubtree(node, (el) => h.shadowOf(el));
      }
      return;
    }
    if (!snapshot) {
      const known = ids.get(node);
      if (known) {
        const old = h.rewriteInsteadOfMove(node, masked);
        if (!old) {
          e.refNode(known);
          return;
        }
        this.replaced.push(old);
      }
    }
    const id = ids.ensure(node);
    if (masked && nodeType(node) !== 1) h.maskedNodes.add(node);
    switch (nodeType(node)) {
      case 3: {
        const data = (node as Text).data;
        const parent = parentNode(node);
        if (masked) e.textNode(id, maskText(data));
        else if (parent && nodeType(parent) === 1 && localName(parent as Element) === 'style') e.textNode(id, absoluteCssUrls(data, this.baseOf(node)));
        else e.textNode(id, data);
        return;
      }
      case 8:
        e.commentNode(id, masked ? maskText((node as Comment).data) : (node as Comment).data);
        return;
      case 4:
        e.cdataNode(id, masked ? maskText((node as CDATASection).data) : (node as CDATASection).data);
        return;
      case 10: {
        const dt = node as DocumentType;
        e.doctypeNode(id, dt.name, dt.publicId, dt.systemId);
        return;
      }
      case 9:
        e.documentNode(id, documentMode(node as Document));
        h.rootSerialized(node as Document);
        this.pushChildren(node, null, masked, depth);
        return;
      case 11: {
        const host = (node as ShadowRoot).host;
        if (host) {
          e.shadowNode(id, (node as ShadowRoot).mode);
          h.rootSerialized(node as ShadowRoot);
        } else {
          e.fragmentNode(id);
          h.fragmentSerialized(node as DocumentFragment);
        }
        this.pushChildren(node, null, masked, depth);
        return;
      }
      case 1:
        this.element(node as Element, id, masked, depth);
        return;
      default:
        // processing instructions and the like: an empty comment keeps sibling positions intact
        e.commentNode(id, '');
    }
  }

  private pushChildren(node: Node, closeFor: Element | null, masked: boolean, depth: number): void {
    const m = masked ? 2 : 0;
    this.push(closeFor ?? null, CLOSE, m, depth);
    if (depth + 2 >= MAX_DEPTH) return; // deeper than the wire allows: the subtree ends here
    const start = this.nodes.length;
    for (let c = firstChild(node); c; c = nextSibling(c)) this.push(c, OPEN, m, depth + 1);
    // children were pushed first-to-last; reverse them so the first is popped first
    const nodes = this.nodes;
    const info = this.info;
    for (let i = start, j = nodes.length - 1; i < j; i++, j--) {
      const n = nodes[i]!;
      nodes[i] = nodes[j]!;
      nodes[j] = n;
      const b = info[i]!;
      info[i] = info[j]!;
      info[j] = b;
    }
  }

  private baseOf(node: Node): string {
    return this.bases.of(ownerDocument(node) ?? (node as Document));
  }

  private element(el: Element, id: number, inheritedMask: boolean, depth: number): void {
    const h = this.host;
    const e = h.encoder;
    const mask = h.mask;
    const tag = localName(el);
    const ns = namespaceURI(el);
    const kind = ns === HTML_NS ? NodeKind.HtmlElement : ns === SVG_NS ? NodeKind.SvgElement : ns === MATHML_NS ? NodeKind.MathElement : NodeKind.OtherElement;
    e.element(id, kind, tag, ns ?? '');

    const state = maskStateOf(el, mask);
    if (state) h.maskStates.set(el, state);
    else h.maskStates.delete(el);
    const masked = effectiveMask(state, inheritedMask);
    if (masked) h.maskedNodes.add(el);

    if (state & MaskState.Blocked) {
      // a placeholder of the same size; nothing inside is written
      // a placeholder of the same box: size, margins and display, so the layout around it holds
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
      return;
    }

    const valueMasked = isFormField(tag) && mask.isValueMasked(el, masked);
    const base = this.baseOf(el);
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

    let flags = 0;
    let value: string | undefined;
    if (tag === 'input' && kind === NodeKind.HtmlElement) {
      const input = el as HTMLInputElement;
      const type = input.type;
      if (type === 'checkbox' || type === 'radio') {
        if (input.checked) flags |= ElementFlag.Checked;
      } else if (VALUE_INPUT_TYPES.has(type)) {
        flags |= ElementFlag.Value;
        value = valueMasked ? mask.maskValue(el, input.value) : input.value;
      }
    } else if (tag === 'textarea' && kind === NodeKind.HtmlElement) {
      flags |= ElementFlag.Value;
      const v = (el as HTMLTextAreaElement).value;
      value = valueMasked ? mask.maskValue(el, v) : v;
    } else if (tag === 'option' && kind === NodeKind.HtmlElement) {
      // which option is chosen is the select's value: hidden when that value is masked
      const select = el.closest('select');
      const hidden = select !== null && mask.isValueMasked(select, masked);
      if (!hidden && (el as HTMLOptionElement).selected) flags |= ElementFlag.Selected;
    }
    const shadow = h.shadowOf(el);
    if (shadow) flags |= ElementFlag.Shadow;
    if (tag === 'template' && (el as HTMLTemplateElement).content) flags |= ElementFlag.Template;
    if (tag === 'iframe' && kind === NodeKind.HtmlElement) {
      h.frameSerialized(el as HTMLIFrameElement);
      if (frameDocument(el as HTMLIFrameElement)) flags |= ElementFlag.Frame;
    }
    if (depth + 2 >= MAX_DEPTH) flags &= ~(ElementFlag.Shadow | ElementFlag.Template | ElementFlag.Frame);
    e.elementFlags(flags, value);

    const hooks = h.tagHooks.get(tag);
    if (hooks) for (const m of hooks) m.elementAdded!(el, id, h.context);
    for (const m of h.allHooks) m.elementAdded!(el, id, h.context);

    // a value-masked textarea's text child is its default value: mask it too
    const childMasked = masked || (valueMasked && tag === 'textarea');
    if (CHILDLESS.has(tag)) {
      this.push(el, CLOSE, childMasked ? 2 : 0, depth);
      return;
    }
    this.pushChildren(el, el, childMasked, depth);
  }
}

/** 'quirks' / 'limited-quirks' / 'no-quirks' of a document (compatMode alone cannot tell limited). */
function documentMode(doc: Document): 'no-quirks' | 'quirks' | 'limited-quirks' {
  if (compatMode(doc) === 'BackCompat') return 'quirks';
  const dt = doctype(doc);
  // limited-quirks: the XHTML 1.0 / HTML 4.01 transitional and frameset public ids
  if (dt && /^-\/\/W3C\/\/DTD (XHTML 1\.0 (Transitional|Frameset)|HTML 4\.01 (Transitional|Frameset))\/\//i.test(dt.publicId) && (dt.systemId || /XHTML/i.test(dt.publicId))) {
    return 'limited-quirks';
  }
  return 'no-quirks';
}

/** Whether an element's text is masked, given its own MaskState and what its parent passes down. */
export function effectiveMask(state: number, inherited: boolean): boolean {
  return state & MaskState.Unmasks ? false : state & MaskState.Masks ? true : inherited;
}

export function isFormField(tag: string): boolean {
  return tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'option';
}

export function isEventHandler(name: string): boolean {
  return name.length > 2 && (name.charCodeAt(0) | 32) === 111 && (name.charCodeAt(1) | 32) === 110; // /^on/i
}
