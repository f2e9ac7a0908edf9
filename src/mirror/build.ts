// The tree builder: turns a TREE op into DOM nodes of the mirror document, with the document's own
// factory methods (right realm, right namespace). Iterative (trees can be thousands of levels deep),
// and built detached, inserted once, so a 100,000-node snapshot costs one insertion into the live
// document instead of 100,000. What would be laid out deeper than the render depth cap is held out of
// the document (depth.ts).
import { NodeKind } from '../protocol/constants.js';
import type { DocumentMode, ElementNode, WireNode } from '../protocol/types.js';
import * as dom from '../dom/safe-dom.js';
import type { NodeMap } from './nodes.js';
import { INERT_SCRIPT_TYPE, MARKER, isScript, protectedAttr, safeAttr } from './sanitize.js';
import { attrNameSettable, attrNamespace } from './names.js';
import { initCanvas, setChecked, setSelected, setValue } from './state.js';
import { HELD_ATTRS, type HeldImages } from './images.js';
import { isPaintResource, type Paints } from './paints.js';
import { isUse, type Uses } from './uses.js';
import { STEP_MASK, drain } from '../protocol/decoder.js';
import {
  OUT,
  flushCuts,
  into,
  isSlotNode,
  kidsOf,
  levelAt,
  moved,
  parentPlace,
  placeOf,
  raiseSlotDepth,
  slotDepths,
  slotMade,
  type Scope,
} from './depth.js';

export const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

export function elementNamespace(n: ElementNode): string | null {
  switch (n.kind) {
    case NodeKind.HtmlElement:
      return dom.HTML_NS;
    case NodeKind.SvgElement:
      return dom.SVG_NS;
    case NodeKind.MathElement:
      return MATHML_NS;
    default:
      return n.ns || null;
  }
}

/**
 * Sets an attribute after `safeAttr` (dropped ones are removed, so an ATTR cannot resurrect them).
 * Returns false when the viewer's DOM refuses the name (see names.ts): that attribute is left out.
 */
export function setSafeAttribute(el: Element, name: string, value: string): boolean {
  const ns = dom.namespaceURI(el);
  const local = dom.localName(el).toLowerCase();
  const v = safeAttr(ns, local, name, value);
  const attrNs = attrNamespace(name);
  if (v === null) {
    if (!protectedAttr(local, name) && dom.hasAttribute(el, name)) dom.removeAttribute(el, name);
    return true;
  }
  // checked before, not caught after: a throwing setter in the middle of a frame would leave it half applied
  if (!attrNameSettable(name)) return false;
  if (attrNs) dom.setAttributeNS(el, attrNs, name, v);
  else dom.setAttribute(el, name, v);
  return true;
}

/** What the builder needs from the mirror. */
export interface BuildContext {
  map: NodeMap;
  /** Reopens the top document in the sharer's compat mode and returns it empty. */
  topDocument(mode: DocumentMode): Document;
  /** The document a new top document's nodes are made in before it is reopened (see TopBuild). */
  topOwner(): Document;
  /** Reopens a frame's document the same way (or makes a detached one when it has no window). */
  frameDocument(iframe: Element, mode: DocumentMode): Document;
  /** Ids of a replaced document, released at the end of the frame. */
  releaseLater(ids: number[]): void;
  /** A `<style>`/`<link>` element was created (its sheet is read once it is connected). */
  styleOwner(el: Element): void;
  /** An attribute was left out: this browser's DOM refuses its name (reported once per name). */
  refusedAttr(name: string): void;
  /** A shadow root was attached (listeners, adopted sheets). */
  shadowRoot(sr: ShadowRoot): void;
  /** Nodes moved by REF (frames inside them may need their documents back). */
  moved(n: Node): void;
  /** Images the sharer's page has not loaded: their sources wait for LOADED. */
  images: HeldImages;
  /** SVG `<use>`s: what their copies lay out is counted (uses.ts). */
  uses: Uses;
  /** SVG resources (`<mask>`, `<pattern>`…): what they paint is counted (paints.ts). */
  paints: Paints;
}

/** End index (exclusive) of each node's subtree in a pre-order array, and whether any is a shadow root. */
function subtreeEnds(nodes: WireNode[]): { end: Int32Array; shadows: boolean } {
  const end = new Int32Array(nodes.length);
  let shadows = false;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (end[i]! < i + 1) end[i] = i + 1;
    const n = nodes[i]!;
    const p = n.parent;
    if (p >= 0 && end[p]! < end[i]!) end[p] = end[i]!;
    if (n.slot === 'shadow') shadows = true;
  }
  return { end, shadows };
}

/** The compat mode of a DOCUMENT node (the sharer's `compatMode`; not derived from its doctype). */
function docMode(n: WireNode): DocumentMode {
  const m = (n as { mode?: DocumentMode }).mode;
  return m === 'quirks' || m === 'limited-quirks' ? m : 'no-quirks';
}

function currentIds(map: NodeMap, root: Node): number[] {
  const ids: number[] = [];
  for (const n of map.walk(root)) {
    const id = map.id(n);
    if (id > 0) ids.push(id);
  }
  return ids;
}

/** Applies one TREE op (already validated). */
export function applyTree(ctx: BuildContext, parentId: number, beforeId: number, nodes: WireNode[]): void {
  const map = ctx.map;
  const root = nodes[0]!;
  if (!parentId) {
    const top = new TopBuild(ctx, nodes);
    drain(top.steps());
    return top.place();
  }
  const parent = map.get(parentId)!;
  const before = beforeId ? map.get(beforeId)! : null;
  if (root.kind === NodeKind.Ref && map.parent(map.get(root.id)!) === parent) {
    // a move among its siblings (the common one: a list reordered) changes no level
    const n = map.get(root.id)!;
    dom.moveBefore(map.held.get(parent) ?? parent, n, before);
    return ctx.moved(n);
  }
  const { level, scope } = parentPlace(map, parent);
  if (root.kind === NodeKind.Ref) {
    const n = map.get(root.id)!;
    const was = placeOf(map, n).level;
    const kids = kidsOf(map, parent, level);
    dom.moveBefore(into(map, parent, level, kids), n, before);
    ctx.moved(n);
    moved(map, n, was, levelAt(kids), scope);
    return flushCuts(map);
  }
  let container: Node | null = null;
  switch (root.kind) {
    case NodeKind.Document: {
      const old = map.docOf.get(parent as Element);
      if (old) ctx.releaseLater(currentIds(map, old));
      container = ctx.frameDocument(parent as Element, docMode(root));
      break;
    }
    case NodeKind.Shadow: {
      const sr = dom.attachShadow(parent as Element, root.mode);
      map.shadowOf.set(parent as Element, sr);
      ctx.shadowRoot(sr);
      container = sr;
      break;
    }
    case NodeKind.Fragment: {
      const content = dom.templateContent(parent as HTMLTemplateElement);
      ctx.releaseLater(currentIds(map, content));
      for (let c = dom.firstChild(content); c; c = dom.firstChild(content)) dom.removeChild(content, c);
      map.templateOf.set(content, parent as Element);
      container = content;
      break;
    }
  }
  if (container) {
    // a shadow root is laid out at its host's level, a frame document at its frame's; a template's content never
    const at = root.kind === NodeKind.Fragment ? OUT : level;
    const inside = root.kind === NodeKind.Shadow ? { host: parent as Element, level } : root.kind === NodeKind.Document ? null : scope;
    const b = new RangeBuilder(ctx, nodes, at, inside);
    map.set(root.id, container);
    b.built[0] = container;
    b.range(0, container, before);
    b.finish();
  } else {
    const kids = kidsOf(map, parent, level);
    const b = new RangeBuilder(ctx, nodes, levelAt(kids), scope);
    const doc = dom.ownerDocument(parent) ?? (parent as Document);
    const node = create(ctx, doc, root, b.post);
    map.set(root.id, node);
    b.built[0] = node;
    b.range(0, null, null);
    dom.insertBefore(into(map, parent, level, kids), node, before);
    b.finish();
  }
  flushCuts(map);
}

/**
 * A new top document (a snapshot's TREE op), built in two parts: `steps()` makes every node, detached,
 * in the document the mirror's iframe holds now (so it can run over several tasks while the old page
 * stays on screen, untouched); `place()` then reopens that document in the sharer's compat mode and
 * puts the new tree in, in one go. Frame documents inside are built by `place()`: an `<iframe>` has
 * its document only once it is connected.
 */
export class TopBuild {
  readonly #b: RangeBuilder;
  readonly #tops: Node[] = [];
  constructor(
    private readonly ctx: BuildContext,
    private readonly nodes: WireNode[],
  ) {
    this.#b = new RangeBuilder(ctx, nodes, 0, null);
    this.#b.built[0] = ctx.topOwner();
  }

  steps(): Generator<void, void> {
    return this.#b.rangeSteps(0, this.#tops);
  }

  place(): void {
    const { ctx, nodes } = this;
    const map = ctx.map;
    const old = map.get(map.topId);
    if (old) ctx.releaseLater(currentIds(map, old));
    const doc = ctx.topDocument(docMode(nodes[0]!));
    map.topId = nodes[0]!.id;
    map.set(map.topId, doc);
    this.#b.built[0] = doc;
    for (const t of this.#tops) dom.insertBefore(doc, t, null); // adopted, should the iframe hold another document now
    this.#b.finish();
  }
}

class RangeBuilder {
  readonly built: Node[];
  /** Property writes that need the children in place (select value...). */
  readonly post: Array<() => void> = [];
  /** Indices of frame DOCUMENT nodes still to build. */
  readonly #frames: number[] = [];
  readonly #end: Int32Array;
  /** The level each node is laid out at (depth.ts; OUT: held, or not laid out). */
  readonly #level: Int32Array;
  /** The slot depth of each host made here, null when this tree attaches no shadow root. */
  readonly #slots: Int32Array | null;
  /**
   * Which shadow tree each node is in, when that matters (shadow roots in the tree, or the tree goes
   * into one): the index of its host, -1 the tree's outer one (`outer`), -2 none.
   */
  readonly #scope: Int32Array | null;
  constructor(
    private ctx: BuildContext,
    private nodes: WireNode[],
    rootLevel: number,
    private readonly outer: Scope | null,
  ) {
    this.built = new Array(nodes.length);
    const { end, shadows } = subtreeEnds(nodes);
    this.#end = end;
    this.#level = new Int32Array(nodes.length);
    this.#level[0] = rootLevel;
    this.#slots = shadows ? slotDepths(nodes) : null;
    this.#scope = this.#slots || outer ? new Int32Array(nodes.length).fill(-1) : null;
  }

  /**
   * Builds the subtree of `start` (already built). When `live` is given, it is the connected container
   * of the range: its children are built detached and inserted last, before `before`.
   */
  range(start: number, live: Node | null, before: Node | null): void {
    const tops: Node[] | null = live ? [] : null;
    drain(this.rangeSteps(start, tops));
    if (!tops) return;
    const to = into(this.ctx.map, live!, this.#level[start]!, this.#kids(start));
    for (const t of tops) dom.insertBefore(to, t, before);
  }

  /** The level the children of node `i` are laid out at (over the cap: held). */
  #kids(i: number): number {
    const l = this.#level[i]!;
    return l === OUT ? OUT : l + 1 + (this.#slots ? this.#slots[i]! : 0);
  }

  /** The shadow tree of node `i`, for the moves and slots in it. */
  #scopeOf(i: number): Scope | null {
    const s = this.#scope ? this.#scope[i]! : -1;
    if (s === -1) return this.outer;
    return s >= 0 ? { host: this.built[s] as Element, level: this.#level[s]! } : null;
  }

  /** `range()` in steps; the children of `start` go to `tops` (when given) instead of into it. */
  *rangeSteps(start: number, tops: Node[] | null): Generator<void, void> {
    const { nodes, built, ctx } = this;
    const end = this.#end;
    const map = ctx.map;
    const level = this.#level;
    const scope = this.#scope;
    for (let i = start + 1; i < end[start]!; i++) {
      if ((i & STEP_MASK) === STEP_MASK) yield;
      const n = nodes[i]!;
      const p = built[n.parent]!;
      if (scope) scope[i] = n.slot === 'shadow' ? n.parent : n.slot === 'child' ? scope[n.parent]! : -2;
      if (n.slot === 'document') {
        this.#frames.push(i);
        i = end[i]! - 1;
        continue;
      }
      if (n.slot === 'shadow') {
        const sr = dom.attachShadow(p as Element, (n as { mode: ShadowRootMode }).mode);
        map.shadowOf.set(p as Element, sr);
        map.set(n.id, sr);
        ctx.shadowRoot(sr);
        built[i] = sr;
        level[i] = level[n.parent]!;
        raiseSlotDepth(map, p, this.#slots![n.parent]!); // its light children, built before it, were cut by #slots
        continue;
      }
      if (n.slot === 'content') {
        const content = dom.templateContent(p as HTMLTemplateElement);
        map.templateOf.set(content, p as Element);
        map.set(n.id, content);
        built[i] = content;
        level[i] = OUT;
        continue;
      }
      const kids = this.#kids(n.parent);
      level[i] = levelAt(kids);
      let node: Node;
      let was = OUT;
      if (n.kind === NodeKind.Ref) {
        node = map.get(n.id)!;
        was = placeOf(map, node).level;
        ctx.moved(node);
      } else {
        node = create(ctx, dom.ownerDocument(p) ?? (p as Document), n, this.post);
        map.set(n.id, node);
        if (this.outer && scope![i] === -1 && level[i] !== OUT && isSlotNode(n)) slotMade(map, this.outer, level[i]!);
      }
      built[i] = node;
      if (tops && n.parent === start) tops.push(node);
      else dom.insertBefore(level[i] === OUT ? into(map, p, level[n.parent]!, kids) : p, node, null);
      if (n.kind === NodeKind.Ref) moved(map, node, was, level[i]!, this.#scopeOf(i));
    }
  }

  /** The property writes, then the frame documents: their `<iframe>`s are in place now, so they have windows. */
  finish(): void {
    const { ctx, nodes, built } = this;
    for (const f of this.post.splice(0)) f();
    while (this.#frames.length) {
      const j = this.#frames.shift()!;
      const iframe = built[nodes[j]!.parent]! as Element;
      const old = ctx.map.docOf.get(iframe);
      if (old) ctx.releaseLater(currentIds(ctx.map, old));
      const d = ctx.frameDocument(iframe, docMode(nodes[j]!));
      ctx.map.set(nodes[j]!.id, d);
      built[j] = d;
      this.#level[j] = this.#level[nodes[j]!.parent]!; // a frame's document is laid out at its frame's level
      this.range(j, d, null);
      for (const f of this.post.splice(0)) f();
    }
  }
}

function create(ctx: BuildContext, doc: Document, n: WireNode, post: Array<() => void>): Node {
  switch (n.kind) {
    case NodeKind.Text:
    case NodeKind.CData: // HTML documents cannot hold CDATA sections; the text is what renders
      return dom.createTextNode(doc, n.data);
    case NodeKind.Comment:
      return dom.createComment(doc, n.data);
    case NodeKind.Doctype:
      return dom.implementation(doc).createDocumentType(n.name || 'html', n.publicId, n.systemId);
    case NodeKind.HtmlElement:
    case NodeKind.SvgElement:
    case NodeKind.MathElement:
    case NodeKind.OtherElement: {
      const ns = elementNamespace(n);
      const el = dom.createElementNS(doc, ns, n.name);
      const local = n.name.toLowerCase();
      // first, before any attribute or child: a script that is never a JavaScript type never runs
      if (isScript(ns, local)) dom.setAttribute(el, 'type', INERT_SCRIPT_TYPE);
      // not loaded on the sharer's page: no source yet, so it lays out as there (images.ts)
      const held = n.unloaded && ns === dom.HTML_NS && local === 'img' ? ctx.images.hold(el) : null;
      for (let a = 0; a < n.attrs.length; a += 2) {
        const name = n.attrs[a]!;
        if (held && HELD_ATTRS.has(name)) held.set(name, n.attrs[a + 1]!);
        else if (!setSafeAttribute(el, name, n.attrs[a + 1]!)) ctx.refusedAttr(name);
      }
      if (n.value !== undefined) {
        const v = n.value;
        post.push(() => setValue(el, v)); // after the children: a <select> needs its options
      }
      if (n.checked) setChecked(el, true);
      if (n.selected) post.push(() => setSelected(el, true));
      if (local === 'style' || local === 'link') ctx.styleOwner(el);
      if (ns === dom.HTML_NS && local === 'canvas') initCanvas(el); // a replaced box without scripts
      if (ns === dom.HTML_NS && local === 'noscript') hideNoscript(doc, el);
      if (isUse(el)) ctx.uses.add(el);
      else if (isPaintResource(el)) ctx.paints.add(el);
      return el;
    }
    default:
      throw new Error(`unexpected node kind ${n.kind}`);
  }
}

/**
 * The sharer runs scripts, so its browser hides every `<noscript>` (the UA sheet's
 * `@media (scripting) { noscript { display: none !important } }`). The mirror's iframe runs none, and
 * Firefox and WebKit then lay a noscript out as an ordinary inline box (Chromium hides it anyway). A
 * mirror-owned `<style>` child gives it the sharer's rule back: the capture never sends a noscript's
 * children, the rule reaches the noscript's own tree (a shadow root's too), and `!important` wins over
 * the page's rules as the UA's does on the sharer.
 */
function hideNoscript(doc: Document, el: Element): void {
  const style = dom.createElementNS(doc, dom.HTML_NS, 'style');
  dom.setAttribute(style, MARKER + 'noscript', '');
  dom.setTextContent(style, 'noscript{display:none!important}');
  dom.insertBefore(el, style, null);
}

/**
 * Fixed `<!DOCTYPE ...>` source for `document.write` that makes the parser pick a compat mode (nothing:
 * quirks). The doctype node it creates is removed again; the sharer's own doctype (if any) is built as
 * a node, which does not change the mode. No sharer string ever goes through the parser.
 */
export function modeMarkup(mode: DocumentMode): string {
  if (mode === 'quirks') return '';
  if (mode === 'limited-quirks')
    return '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';
  return '<!DOCTYPE html>';
}
