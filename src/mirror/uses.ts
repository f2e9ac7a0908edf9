// SVG `<use>` and the render depth cap. A `<use>` lays out a copy of the element it references (its
// target) in a shadow tree of its own, and each `<use>` inside that copy copies its own target in turn:
// the DOM holds each part once, the browser lays out the sum. The depth cap (depth.ts) counts the DOM,
// so it does not see it: Chromium's renderer crashes on 42 nested `<use>`s of 190-level chains (7,980
// levels laid out; 30 of them, 5,700 levels, still lay out), no DOM chain deeper than 190; and groups
// that each hold 4 `<use>`s of the next (a "billion laughs") cost 1.9 s for 8 levels (87,000 copies),
// 42 s for 10, and hang the tab past 60 s for 11, from a page of 45 elements (bench/depth-limits.mjs,
// modes use and usefan, Chromium 156). One `<use>` of a plain chain lays out 3,000 levels fine. Copies
// are dear even flat: 100 `<use>`s of a group of 1,000 rects (100,000 copied nodes) take 2.0 s, 1,000 of
// them 30 s (mode usewide). Hence MAX_USE_NODES = 20,000, about 0.4 s of Chromium's time: a page of 2,000
// icons of 10 nodes each (tags and the whitespace between them) still fits (not measured on a corpus).
//
// So the mirror counts what a `<use>` lays out: its level plus the height of its target's copy (with the
// `<use>`s inside expanded as they will be), and the nodes the copies of the whole page hold. A `<use>`
// whose copy would reach deeper than MAX_RENDER_DEPTH, or take the page's copies past MAX_USE_NODES, or
// that refers to anything but a plain `#id` in its own tree (a URL loads another document, which the
// mirror cannot count), or that is not laid out, loses its href attributes (kept here, given back once
// it fits) and carries `data-cobrowse-mirror-use-cut`. An icon sprite (a `<use href="#icon">` of a
// `<symbol>` of a few paths, even one built from other `<use>`s) fits: its copy is a few levels and nodes.
//
// When: browsers build a `<use>`'s copy when style is next computed (Chromium, Firefox and WebKit
// schedule it), never inside the DOM call that changed something. So the mirror counts again after the
// ops that can change a copy (TREE, REMOVE, an `id` or href ATTR) and before anything that can compute
// style: the next op that is not a plain DOM change, a callback, the end of the frame (mirror.ts). It
// counts every `<use>` from scratch, so no later change can slip by: an id that moves to other content,
// a target that grows, a `<use>` moved into another's target, a held subtree shown again.
//
// Cost, when the page has `<use>`s and a frame changed one of those things: a walk to the root per
// `<use>` (placeOf) and one walk of each target (up to MAX_USE_NODES nodes in all); nothing otherwise.
// Measured on a page of `<use>` icons, one row added per frame: 0.2 ms a frame without icons, 1.4 ms
// with 500, 4–5 ms with 2,000, 7–12 ms with 5,000 when every TREE counted. So a TREE or REMOVE asks for a
// count only where it can change one: inside a target, a new element with an id a `<use>` names, a
// move (REF), a new shadow root, document or `<slot>` (levels change), a `<use>` or target removed
// (a new `<use>` asks for itself).
// A frame from the capture needs two counts at most (its state ops follow its DOM ops); a crafted one
// could alternate an id change and a scroll thousands of times, a count each: after COUNTS_PER_FRAME,
// the rest of the frame is applied with every `<use>` cut (nothing copied is safe; later ones are cut
// as they come), and the end of the frame counts once more and gives back what fits.
import { MAX_RENDER_DEPTH, MAX_USE_NODES, NodeKind } from '../protocol/constants.js';
import type { WireNode } from '../protocol/types.js';
import * as dom from '../dom/safe-dom.js';
import { OUT, placeOf } from './depth.js';
import { MARKER } from './sanitize.js';
import type { NodeMap } from './nodes.js';

const CUT_ATTR = MARKER + 'use-cut';
/** Full counts one frame may ask for before the rest of it is applied with every `<use>` cut. */
const COUNTS_PER_FRAME = 4;
/** The attributes a `<use>` takes its reference from: `href`, and `xlink:href` (older pages). */
const REFS: ReadonlyArray<readonly [string | null, string]> = [
  [null, 'href'],
  [dom.XLINK_NS, 'xlink:href'],
];
/**
 * A reference the mirror resolves exactly as the browser does: `#` and an id the URL parser leaves as
 * it is (no percent escapes, no whitespace or controls, which it decodes or drops).
 */
// eslint-disable-next-line no-control-regex
const PLAIN_REF = /^#[^\u0000-\u0020%\u007f]+$/;

/** What the copy of a target lays out: its height (the target is 1) and its nodes. */
interface Copy {
  height: number;
  nodes: number;
}
/** An href attribute taken off a cut `<use>`. */
interface Kept {
  ns: string | null;
  name: string;
  value: string;
}

export const isUse = (el: Element): boolean => dom.isSvg(el, 'use');

export class Uses {
  /** Every SVG `<use>` made in this scene (pruned once released). */
  readonly #all = new Set<Element>();
  /** The href attributes of the cut ones. */
  readonly #kept = new WeakMap<Element, Kept[]>();
  #dirty = false;
  /** What the last count found: the elements `<use>`s copy, and the ids they name (see `tree`). */
  #targets = new Set<Node>();
  #wanted = new Set<string>();
  /** Counts asked for in this frame (see COUNTS_PER_FRAME). */
  #counts = 0;
  /** Every `<use>` is cut until the frame ends; `#fresh`: those made or given an href since, to cut too. */
  #holding = false;
  readonly #fresh: Element[] = [];
  // per count
  #decided = new Map<Element, Copy | null>();
  #copies = new Map<Element, Copy | null>();
  #busy = new Set<Element>();
  #nodes = 0;

  constructor(private readonly map: NodeMap) {}

  /** A `<use>` was made (build.ts). */
  add(el: Element): void {
    this.#all.add(el);
    this.#dirty = true;
    if (this.#holding) this.#fresh.push(el);
  }

  /** Something that can change what a `<use>` copies happened (an id or href ATTR). */
  touch(): void {
    if (this.#all.size) this.#dirty = true;
  }

  /** A TREE op is about to put `nodes` under `parent` (null: a new page): a count if it can change a copy. */
  tree(parent: Node | null, nodes: readonly WireNode[]): void {
    if (this.#dirty || !this.#all.size) return;
    if (!parent || this.#inTarget(parent) || nodes.some((n) => this.#reshapes(n))) this.#dirty = true;
  }

  /** A REMOVE is about to take `n` out: a count if it holds a `<use>` or a target, or is in a target. */
  remove(n: Node): void {
    if (this.#dirty || !this.#all.size) return;
    if (this.#inTarget(dom.parentNode(n)) || this.#holdsUseOrTarget(n)) this.#dirty = true;
  }

  #inTarget(n: Node | null): boolean {
    for (; n; n = dom.parentNode(n)) if (this.#targets.has(n)) return true;
    return false;
  }

  /** A node of a TREE op that can change what a `<use>` copies or where it is laid out. */
  #reshapes(n: WireNode): boolean {
    switch (n.kind) {
      case NodeKind.Ref:
      case NodeKind.Shadow:
      case NodeKind.Document:
        return true;
      case NodeKind.HtmlElement:
      case NodeKind.SvgElement:
      case NodeKind.MathElement:
      case NodeKind.OtherElement:
        if (n.name === 'slot') return true;
        for (let i = 0; i < n.attrs.length; i += 2) if (n.attrs[i] === 'id' && this.#wanted.has(n.attrs[i + 1]!)) return true;
        return false;
      default:
        return false;
    }
  }

  #holdsUseOrTarget(root: Node): boolean {
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (this.#targets.has(n) || (dom.nodeType(n) === dom.ELEMENT_NODE && isUse(n as Element))) return true;
      for (let c = dom.firstChild(n); c; c = dom.nextSibling(c)) stack.push(c);
    }
    return false;
  }

  /** An ATTR or ATTR_DEL of `name` on `el` (before it applies): a kept href it replaces is dropped. */
  attr(el: Element, name: string): void {
    if (this.#holding && name !== 'id' && isUse(el)) this.#fresh.push(el);
    const kept = this.#kept.get(el);
    if (kept)
      this.#kept.set(
        el,
        kept.filter((k) => k.name !== name),
      );
  }

  /** Before an op that can compute style: counts again if anything changed since (see COUNTS_PER_FRAME). */
  settle(): void {
    if (this.#holding) return this.#cutFresh();
    if (!this.#dirty) return;
    if (++this.#counts > COUNTS_PER_FRAME) return this.#holdAll();
    this.#count();
  }

  /** The end of a frame: counted once more if anything changed, whatever the frame asked for before. */
  endFrame(): void {
    if (this.#holding) this.#dirty = true;
    this.#holding = false;
    this.#fresh.length = 0;
    this.#counts = 0;
    if (this.#dirty) this.#count();
  }

  #holdAll(): void {
    this.#holding = true;
    for (const u of this.#all) this.#cut(u);
  }

  #cutFresh(): void {
    for (const u of this.#fresh) this.#cut(u);
    this.#fresh.length = 0;
  }

  /** Counts every `<use>` again: cuts what does not fit, gives back what does. */
  #count(): void {
    this.#dirty = false;
    this.#nodes = 0;
    this.#targets = new Set();
    this.#wanted = new Set();
    try {
      for (const u of this.#all) {
        if (this.map.id(u) < 0) this.#all.delete(u);
        else this.#decide(u, 0);
      }
    } finally {
      this.#decided = new Map();
      this.#copies = new Map();
      this.#busy.clear();
    }
  }

  /** Whether `u` may copy its target (the copy, counted) or not (null), and its attributes set to match. */
  #decide(u: Element, depth: number): Copy | null {
    const done = this.#decided.get(u);
    if (done !== undefined) return done;
    const level = placeOf(this.map, u).level;
    // not laid out (held, in a template's content, a frame's detached document): no copy is made; left
    // as it is until it is shown again, which only a TREE op does (counted then)
    if (level === OUT) return null;
    const copy = depth > MAX_RENDER_DEPTH ? this.#tooMuch() : this.#fits(u, level, depth);
    this.#decided.set(u, copy);
    if (copy) {
      this.#nodes += copy.nodes;
      this.#giveBack(u);
    } else this.#cut(u);
    return copy;
  }

  #fits(u: Element, level: number, depth: number): Copy | null {
    const root = dom.rootNode(u);
    let copy: Copy = { height: 0, nodes: 0 };
    for (const value of this.#refs(u)) {
      if (!PLAIN_REF.test(value)) return null;
      this.#wanted.add(value.slice(1));
      const target = dom.elementById(root as Document | DocumentFragment, value.slice(1));
      if (!target) continue; // copies nothing; any later op that makes one counts again
      this.#targets.add(target);
      if (dom.contains(target, u)) return null; // a cycle: browsers copy nothing either
      const c = this.#copyOf(target, depth);
      if (!c) return null; // too deep or too large (noted), or a cycle (browsers copy nothing either)
      copy = { height: Math.max(copy.height, c.height), nodes: copy.nodes + c.nodes };
    }
    if (level + copy.height > MAX_RENDER_DEPTH || this.#nodes + copy.nodes > MAX_USE_NODES) return this.#tooMuch();
    return copy;
  }

  /** The href values of `u`, on it or kept. */
  #refs(u: Element): string[] {
    const out: string[] = [];
    for (const [ns] of REFS) {
      const v = dom.getAttributeNS(u, ns, 'href');
      if (v !== null) out.push(v);
    }
    for (const k of this.#kept.get(u) ?? []) out.push(k.value);
    return out;
  }

  /**
   * What a copy of `target` holds: its nodes and height, each `<use>` in it expanded as decided (one
   * that is cut copies nothing). Null when it reaches past the cap or the node budget on its own.
   */
  #copyOf(target: Element, depth: number): Copy | null {
    const known = this.#copies.get(target);
    if (known !== undefined) return known;
    if (this.#busy.has(target)) return null; // a cycle through other `<use>`s
    this.#busy.add(target);
    const copy = this.#walk(target, depth);
    this.#busy.delete(target);
    this.#copies.set(target, copy);
    return copy;
  }

  #walk(target: Element, depth: number): Copy | null {
    let nodes = 0;
    let height = 0;
    const stack: Array<[Node, number]> = [[target, 1]];
    while (stack.length) {
      const [n, at] = stack.pop()!;
      nodes++;
      if (dom.nodeType(n) !== dom.ELEMENT_NODE) continue;
      height = Math.max(height, at);
      if (isUse(n as Element)) {
        const inner = this.#decide(n as Element, depth + 1);
        if (inner) [nodes, height] = [nodes + inner.nodes, Math.max(height, at + inner.height)];
      }
      if (height > MAX_RENDER_DEPTH || this.#nodes + nodes > MAX_USE_NODES) return this.#tooMuch();
      for (let c = dom.firstChild(n); c; c = dom.nextSibling(c)) stack.push([c, at + 1]);
    }
    return { height, nodes };
  }

  /**
   * A copy left out for its depth or size: the agent is told part of the page is not shown. Not for a
   * URL reference (the mirror never showed those) nor a cycle (browsers copy nothing).
   */
  #tooMuch(): null {
    this.map.partial = true;
    return null;
  }

  #cut(u: Element): void {
    const kept = this.#kept.get(u) ?? [];
    for (const [ns, name] of REFS) {
      const value = dom.getAttributeNS(u, ns, 'href');
      if (value === null) continue;
      kept.push({ ns, name, value });
      dom.removeAttributeNS(u, ns, 'href');
    }
    this.#kept.set(u, kept);
    if (!dom.hasAttribute(u, CUT_ATTR)) dom.setAttribute(u, CUT_ATTR, '');
  }

  #giveBack(u: Element): void {
    const kept = this.#kept.get(u);
    if (!kept) return;
    this.#kept.delete(u);
    for (const k of kept) dom.setAttributeNS(u, k.ns, k.name, k.value);
    dom.removeAttribute(u, CUT_ATTR);
  }
}
