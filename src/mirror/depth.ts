// The render depth cap. Browsers lay a tree out recursively, and a tree deep enough kills the page that
// shows it: Chromium's renderer crashes on a visible chain of 2,950 blocks, 1,200 tables or absolutely
// positioned boxes, 350 inline-blocks, 290 inline-tables (bench/depth-limits.mjs: Chromium 156, Linux;
// Firefox stops laying out past ~1,026 levels and WebKit past 512, neither crashes). A customer's page
// can hold such a tree where it does not lay it out (under `@media (scripting: none)`, which only the
// script-less mirror matches) and so crash the agent's tab. So the mirror lays nothing out deeper than
// MAX_RENDER_DEPTH, counted as the browser lays out: elements from the top document's root element (1);
// through a shadow host into its shadow tree, and a light child of a host from the deepest `<slot>` of
// that host's shadow tree (where it is laid out); through a frame into its document (Chromium's crash
// depth adds up across a frame: 2,000 + 2,000 levels lay out, 2,500 + 2,500 crash); never into a
// template's content (not laid out).
//
// How: the children of a container that would be laid out deeper are held in a detached node (a
// fragment; a windowless document for a frame document) instead of the container. Nothing a page's CSS
// or a later op does lays out a node that is in no shown document (a hiding style could be undone: a
// shadow tree's `:host` and `::slotted` rules beat even an inline `display:none !important`). Every held
// node keeps its id, its model parent (NodeMap.parent) and its place among its siblings, so later ops
// that name held nodes apply as ever, and a move that brings a held subtree back up shows it again. The
// cut element carries a `data-cobrowse-mirror-cut` attribute (for tools and tests to find the cut).
// Rejecting such frames instead would leave the agent without any of the page (a resync would bring the
// same tree) for the sake of content the customer does not see either.
//
// Why 200: 1.45 times under the shallowest crash measured (290 inline-tables), 15 times under the
// plain-block one. The HTML parser nests up to 512, but Chromium itself crashes on some such markup (300
// nested inline-tables, no script); a page laid out deeper than 200 levels is one we have not met (not
// measured on a corpus of real pages).
//
// SVG `<use>` copies are not in the DOM, so not counted here: uses.ts counts them.
//
// Cost: a TREE op finds its parent's level by a walk to the root (as the validator's ancestor check
// does), remembered until something moves (parentPlace); new nodes take theirs from their parent's (an
// array); a move among siblings costs nothing; another move walks the moved subtree, down to the cap,
// only when it lands at another depth or in a shadow tree (where its slots count).
import { MAX_RENDER_DEPTH, NodeKind } from '../protocol/constants.js';
import type { WireNode } from '../protocol/types.js';
import * as dom from '../dom/safe-dom.js';
import { MARKER } from './sanitize.js';
import type { NodeMap } from './nodes.js';

/** The level of a node that is not laid out: detached, held, or in a template's content. */
export const OUT = -1;
const CUT_ATTR = MARKER + 'cut';
const parentElement = dom.getter<Node, Element | null>(Node.prototype, 'parentElement');

/** A shadow tree: its host and the host's level (the depth of a slot in it is counted from there). */
export interface Scope {
  host: Element;
  level: number;
}
/** Where a node is laid out: its level (OUT: nowhere), and the shadow tree its children are in. */
export interface Place {
  level: number;
  scope: Scope | null;
}

/**
 * The level of a node in the mirror (an element counts itself; a shadow root is its host's level, a
 * frame document its frame's, the top document 0), and the shadow tree its children are in.
 */
export function placeOf(map: NodeMap, node: Node): Place {
  const top = map.get(map.topId);
  let level = 0;
  let host: Element | null = null;
  let below = -1; // the levels counted when the first shadow root was crossed (-2: a document first)
  let light = false; // the last step was from a DOM child: a light child, should this be a host
  for (let n: Node = node; ;) {
    const t = dom.nodeType(n);
    if (t === dom.DOCUMENT_NODE) {
      if (below === -1) below = -2;
      if (n === top) break;
      const frame = map.frameOf.get(n as Document);
      if (!frame) return { level: OUT, scope: null }; // a holder, or a frame's detached document
      n = frame;
      light = false;
      continue;
    }
    if (t === dom.FRAGMENT_NODE) {
      if (map.templateOf.has(n as DocumentFragment) || map.heldBy.has(n)) return { level: OUT, scope: null };
      const h = dom.shadowHost(n as ShadowRoot);
      if (below === -1) [host, below] = [h, level];
      n = h;
      light = false;
      continue;
    }
    if (t === dom.ELEMENT_NODE) {
      // a run of elements up to a document or a fragment: one getter a level (the common walk)
      let el = n as Element;
      for (;;) {
        level += 1 + (light && map.slotted ? (map.slotDepth.get(el) ?? 0) : 0);
        const up = parentElement(el);
        if (!up) break;
        el = up;
        light = true;
      }
      n = el;
    }
    const p = dom.parentNode(n);
    if (!p) return { level: OUT, scope: null };
    n = p;
    light = true;
  }
  return { level, scope: host && below >= 0 ? { host, level: level - below } : null };
}

/**
 * `placeOf` a TREE op's parent, remembered until anything moves (`map.gen`): the ops of a frame often add
 * to the same parent (a list), and an add changes no level but the new nodes'.
 */
export function parentPlace(map: NodeMap, node: Node): Place {
  const m = map.places.get(node);
  if (m && m.gen === map.gen) return m.place;
  const place = placeOf(map, node);
  map.places.set(node, { gen: map.gen, place });
  return place;
}

/** The level the children of container `c` (at `level`) would be laid out at; over the cap: held. */
export function kidsOf(map: NodeMap, c: Node, level: number): number {
  if (level === OUT) return OUT;
  return level + 1 + (map.slotted ? (map.slotDepth.get(c) ?? 0) : 0);
}

/** The level of a child laid out at `kids` (OUT when held or not laid out). */
export const levelAt = (kids: number): number => (kids > MAX_RENDER_DEPTH ? OUT : kids);

/** Where the children of container `c` go: `c`, or its holder (made now when they must be held). */
export function into(map: NodeMap, c: Node, level: number, kids: number): Node {
  return map.held.get(c) ?? (level !== OUT && kids > MAX_RENDER_DEPTH ? hold(map, c) : c);
}

/** The element the cut shows on: the container itself, a shadow root's host, a frame document's frame. */
function cutElement(map: NodeMap, c: Node): Element | null {
  const t = dom.nodeType(c);
  if (t === dom.ELEMENT_NODE) return c as Element;
  if (t === dom.DOCUMENT_NODE) return map.frameOf.get(c as Document) ?? null;
  return dom.shadowHost(c as ShadowRoot);
}

function hold(map: NodeMap, c: Node): Node {
  let h: Node;
  if (dom.nodeType(c) === dom.DOCUMENT_NODE) {
    // a fragment cannot hold a doctype; a detached document can hold what a document holds
    h = dom.implementation(c as Document).createHTMLDocument('');
    for (let x = dom.firstChild(h); x; x = dom.firstChild(h)) dom.removeChild(h, x);
  } else {
    h = Document.prototype.createDocumentFragment.call(dom.ownerDocument(c)!);
  }
  for (let x = dom.firstChild(c); x; x = dom.firstChild(c)) dom.insertBefore(h, x, null);
  map.held.set(c, h);
  map.heldBy.set(h, c);
  map.holding = true;
  map.partial = true;
  map.gen++;
  const el = cutElement(map, c);
  if (el) dom.setAttribute(el, CUT_ATTR, '');
  return h;
}

function unhold(map: NodeMap, c: Node, h: Node): void {
  for (let x = dom.firstChild(h); x; x = dom.firstChild(h)) dom.insertBefore(c, x, null);
  map.held.delete(c);
  map.heldBy.delete(h);
  map.gen++;
  const el = cutElement(map, c);
  if (!el || map.held.has(el)) return;
  const sr = map.shadowOf.get(el);
  const doc = map.docOf.get(el);
  if (!(sr && map.held.has(sr)) && !(doc && map.held.has(doc))) dom.removeAttribute(el, CUT_ATTR);
}

/** Forgets the holder of a document that is opened again (its held nodes are released with the old page). */
export function dropHeld(map: NodeMap, doc: Document): void {
  const h = map.held.get(doc);
  if (h) map.heldBy.delete(h);
  map.held.delete(doc);
  map.gen++;
}

/** A frame document that moved to a new Document object (documents.ts) takes its holder along. */
export function moveHeld(map: NodeMap, from: Document, to: Document): void {
  const h = map.held.get(from);
  if (!h) return;
  map.held.delete(from);
  map.held.set(to, h);
  map.heldBy.set(h, to);
  map.gen++;
}

/** A node to look at: a container's place, or (`light`) the light children of an element still to do. */
interface Visit {
  node: Node;
  level: number;
  scope: Scope | null;
  light?: boolean;
}

/** Raises `host`'s slot depth to `depth`; false when it was that deep already (slot depths only grow). */
export function raiseSlotDepth(map: NodeMap, host: Node, depth: number): boolean {
  if (depth <= (map.slotDepth.get(host) ?? 0)) return false;
  map.slotDepth.set(host, depth);
  map.slotted = true;
  return true;
}

/** Records a slot laid out at `level` in `scope`: its host's light children now count from it. */
function noteSlot(map: NodeMap, scope: Scope, level: number, waiting: Set<Node> | null): void {
  if (!raiseSlotDepth(map, scope.host, level - scope.level)) return;
  map.gen++;
  // a host whose light children this walk has still to do reads the new depth then
  if (!waiting?.has(scope.host)) map.relight.push(scope.host);
}

/**
 * Cuts a subtree again from `start` down to the cap: containers whose children now lie deeper than the
 * cap hold them, held ones above it give them back, slots found raise their host's slot depth.
 */
function recut(map: NodeMap, start: Visit): void {
  const stack: Visit[] = [start];
  const waiting = new Set<Node>();
  if (start.light) waiting.add(start.node);
  while (stack.length) {
    const v = stack.pop()!;
    if (v.light) waiting.delete(v.node);
    if (v.light || dom.nodeType(v.node) !== dom.ELEMENT_NODE) {
      // the children of a shadow root or a document, or an element's light children (after its shadow tree)
      const kids = v.light ? kidsOf(map, v.node, v.level) : v.level + 1;
      const h = map.held.get(v.node);
      if (kids > MAX_RENDER_DEPTH) {
        if (!h) hold(map, v.node);
        continue;
      }
      if (h) unhold(map, v.node, h);
      for (let x = dom.firstChild(v.node); x; x = dom.nextSibling(x)) {
        if (dom.nodeType(x) === dom.ELEMENT_NODE) stack.push({ node: x, level: kids, scope: v.scope });
      }
      continue;
    }
    const el = v.node as Element;
    if (v.scope && dom.isHtml(el, 'slot')) noteSlot(map, v.scope, v.level, waiting);
    // the shadow tree before the light children: its slots set how deep those are laid out
    stack.push({ node: el, level: v.level, scope: v.scope, light: true });
    waiting.add(el);
    const sr = map.shadowOf.get(el);
    if (sr) stack.push({ node: sr, level: v.level, scope: { host: el, level: v.level } });
    const doc = map.docOf.get(el);
    if (doc) stack.push({ node: doc, level: v.level, scope: null });
  }
}

/**
 * Element `n` (with its subtree) was moved (REF) from level `was` to level `now` (OUT: not laid out
 * there), into shadow tree `scope`: cut it again where that can change anything.
 */
export function moved(map: NodeMap, n: Node, was: number, now: number, scope: Scope | null): void {
  map.gen++; // every level in the moved subtree changed
  if (now === OUT || dom.nodeType(n) !== dom.ELEMENT_NODE) return;
  if (!scope && (was === now || (was !== OUT && now < was && !map.holding))) return; // nothing gets deeper, nothing to give back
  recut(map, { node: n, level: now, scope });
}

/** A slot made by a TREE op at `level` in `scope` (the op's outer shadow tree). */
export function slotMade(map: NodeMap, scope: Scope, level: number): void {
  noteSlot(map, scope, level, null);
}

/** The light children of hosts whose slot depth grew, cut again (after the TREE op is in place). */
export function flushCuts(map: NodeMap): void {
  while (map.relight.length) {
    const host = map.relight.pop()!;
    const { level, scope } = placeOf(map, host);
    if (level !== OUT) recut(map, { node: host, level, scope, light: true });
  }
}

/** A wire node that makes a `<slot>`. */
export const isSlotNode = (n: WireNode): boolean => n.kind === NodeKind.HtmlElement && n.name === 'slot';

/**
 * The slot depth of every host a TREE op makes with its shadow root (by index; 0 for the others), for a
 * tree with shadow roots. Computed backwards, from the leaves: a host's shadow root comes after its light
 * children in the array, and a slot that is a light child of an inner host (a forwarded slot) lies as
 * deep as that host's own slot depth says.
 */
export function slotDepths(nodes: WireNode[]): Int32Array {
  const depth = new Int32Array(nodes.length);
  const below = new Int32Array(nodes.length).fill(-1); // the deepest slot under each node, in its tree
  for (let i = nodes.length - 1; i > 0; i--) {
    const n = nodes[i]!;
    const p = n.parent;
    if (n.slot === 'shadow') depth[p] = Math.max(below[i]!, 0);
    if (n.slot !== 'child') continue;
    const at = 1 + depth[p]!; // how deep under `p` this child is laid out
    const deepest = Math.max(isSlotNode(n) ? at : -1, below[i]! >= 0 ? at + below[i]! : -1);
    if (deepest > below[p]!) below[p] = deepest;
  }
  return depth;
}
