// SVG resources that paint other content where they are used: `<mask>`, `<clipPath>`, `<pattern>`
// and `<marker>`. An element that refers to one (`mask`, `clip-path`, `fill`/`stroke: url(#…)`,
// `marker-*`) paints that resource's content, and each element of that content that refers to the next
// resource paints that one's in turn: the DOM holds each resource once, the browser paints the product.
// Measured (bench/depth-limits.mjs, time to the second painted frame, Chromium 156 / Firefox ESR /
// WebKitGTK): 8 levels of 8 elements, each referring to the next (16.7 million paints), cost Chromium
// 0.4–1.9 s and hang Firefox (patterns) and WebKit (markers, 8 levels of 8); a chain of 5,000 masks or
// patterns, one in the next, crashes Chromium's renderer. Even flat, a painted element costs: 100
// elements using a mask of 1,000 take WebKit 3.5 s, 1,000 using a pattern of 1,000 take Firefox 36 s.
// A page of 45 elements does the first; neither the depth cap (depth.ts: it counts the DOM) nor the
// `<use>` count (uses.ts: it counts `<use>` copies) sees any of it.
//
// So, after each frame, the mirror counts what each resource paints: its content's elements, and for
// each reference from inside to another resource, that one's count (times the vertices, for a marker).
// References are read from computed style, since a stylesheet, a style attribute or a presentation
// attribute can each make one. A reference that would take a resource past MAX_PAINT_COPIES painted
// elements, or nest resources deeper than MAX_PAINT_NESTING, is cut: the element that makes it gets
// `<property>: none !important` in its style attribute (inline !important wins over every sheet) and
// `data-cobrowse-mirror-paint-cut`; its own inline value is kept and given back once it fits again.
// What a resource's content is: its element descendants; a `<pattern>` without any takes another's
// through href; a `<use>` inside stands for its target's elements (their fill and stroke may come
// from the `<use>`, which is cut for it).
//
// MAX_PAINT_COPIES = 10,000 paints is ~0.01–0.1 s of Chromium, ~0.4 s of WebKit's masks (the slowest
// measured); MAX_PAINT_NESTING = 16 resources, one in another (pages nest two or three: a mask of
// clipped shapes). WebKit answers getComputedStyle with the style it first computed for an element in a
// resource after an inline override (test/mirror-svg-paint.test.ts), but paints by the new one.
//
// When: the browser paints after the task that applied the frame, never inside it, and nothing the
// mirror does within a frame paints or hit-tests; so one count at the end of each frame (mirror.ts),
// after the `<use>` count (whose copies it walks), before anything is painted. Any change can change a
// computed reference (a class on `<body>` and a `body.x mask rect { mask: … }` rule), so every frame
// counts while the page holds a resource with content; a page without one costs nothing. The cost: one
// computed-style read per element inside the resources (a page's clip-path icons: one or two each).
import { MAX_PAINT_COPIES, MAX_PAINT_NESTING } from '../protocol/constants.js';
import * as dom from '../dom/safe-dom.js';
import { MARKER } from './sanitize.js';
import type { NodeMap } from './nodes.js';
import { isUse } from './uses.js';

const CUT_ATTR = MARKER + 'paint-cut';
/**
 * Resources that paint at most this many elements are not looked for in the rest of the page: each
 * element that uses one paints a few more (a page's clip-path icons), no more than 16 times the page's
 * own size. Larger ones are, so that the page's uses of them stay within MAX_PAINT_COPIES too; a page
 * too small to pass it even if every node used the largest is not read.
 */
const SMALL = 16;
/** The resources that paint content of their own. */
const KINDS = new Set(['mask', 'clipPath', 'pattern', 'marker']);
/**
 * The properties whose `url(#id)` refers to a resource, with how many times a reference paints it (once,
 * or once a vertex: markers) and the kind it can refer to: only the kinds the page has are read (a
 * page of clip-path icons pays one read an element; each read is ~1 µs, measured on such a page).
 */
const PROPS: ReadonlyArray<readonly [string, boolean, string]> = [
  ['mask-image', false, 'mask'],
  ['clip-path', false, 'clipPath'],
  ['fill', false, 'pattern'],
  ['stroke', false, 'pattern'],
  ['marker-start', true, 'marker'],
  ['marker-mid', true, 'marker'],
  ['marker-end', true, 'marker'],
];
/** A resource reached past MAX_PAINT_NESTING: not counted (the reference to it is cut). */
const TOO_DEEP: Count = { copies: 0, nesting: MAX_PAINT_NESTING + 1 };
const NONE: Ref[] = [];
/** What a `<use>` passes on to its copy: the inherited ones. */
const INHERITED = new Set(['fill', 'stroke', 'marker-start', 'marker-mid', 'marker-end']);
// a `url()` in a computed value: quoted (escapes kept as they are: an id with a quote is refused anyway) or bare
const URL_RE = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/g;
const NUMBER_RE = /[-+]?(?:\d*\.\d+|\d+\.?)(?:[eE][-+]?\d+)?/g;

const getValue = CSSStyleDeclaration.prototype.getPropertyValue;
const getPriority = CSSStyleDeclaration.prototype.getPropertyPriority;
const setProperty = CSSStyleDeclaration.prototype.setProperty;
const removeProperty = CSSStyleDeclaration.prototype.removeProperty;
const svgStyle = dom.getter<SVGElement, CSSStyleDeclaration>(SVGElement.prototype, 'style');
const htmlStyle = dom.getter<HTMLElement, CSSStyleDeclaration>(HTMLElement.prototype, 'style');

export const isPaintResource = (el: Element): boolean => dom.namespaceURI(el) === dom.SVG_NS && KINDS.has(dom.localName(el));

/** One reference from an element of a resource's content. */
interface Ref {
  /** The element whose style carries it (the element itself, or the `<use>` it was copied through). */
  from: Element;
  /** The property that carries it. */
  prop: string;
  target: Element;
  /** Times the element paints the target: 1, or its vertices for a marker. */
  times: number;
}
/** What one application of a resource paints, nested references included. */
interface Count {
  copies: number;
  nesting: number;
}
/** An inline declaration a cut replaced. */
interface Kept {
  prop: string;
  value: string;
  priority: string;
}

export class Paints {
  /** Every resource made in this scene (pruned once released). */
  readonly #all = new Set<Element>();
  /** Whether a DOM or CSSOM op came since the last count (cursor, scroll and viewport ops change no style). */
  #dirty = false;
  /** The properties worth reading in this count: those of the kinds the page has. */
  #props: ReadonlyArray<readonly [string, boolean, string]> = [];
  /** Live computed styles of the elements read, with the document each was asked in (moved: asked again). */
  #styles = new WeakMap<Element, { doc: Document; style: CSSStyleDeclaration }>();
  /** Cut elements and the inline declarations the cuts replaced. */
  #kept = new Map<Element, Kept[]>();
  // per count
  #counts = new Map<Element, Count>();
  #busy = new Set<Element>();
  #cuts = new Map<Element, Set<string>>();

  constructor(private readonly map: NodeMap) {}

  /** A resource element was made (build.ts). */
  add(el: Element): void {
    this.#all.add(el);
  }

  /** An op that can change any element's computed style was applied (mirror.ts). */
  touch(): void {
    this.#dirty = true;
  }

  /** A style ATTR or ATTR_DEL on `el` (before it applies): the cut's kept declarations go with it. */
  attr(el: Element, name: string): void {
    if (name !== 'style' || !this.#kept.delete(el)) return;
    dom.removeAttribute(el, CUT_ATTR); // cut again at the end of the frame if it still does not fit
  }

  /** The end of a frame: counts every resource, cuts what does not fit, gives back what does. */
  endFrame(): void {
    if (!this.#dirty || (!this.#all.size && !this.#kept.size)) return;
    this.#dirty = false;
    const kinds = new Set<string>();
    for (const r of this.#all) kinds.add(dom.localName(r));
    this.#props = PROPS.filter((p) => kinds.has(p[2]));
    // a cut hides its own reference from computed style: counted without them, put back after
    const before = this.#kept;
    const wasCut = [...before.keys()];
    for (const [el, kept] of before) for (const k of kept) restore(el, k);
    this.#kept = new Map();
    try {
      let most = 0; // the most a resource larger than SMALL paints (Infinity: a marker, painted a vertex)
      for (const r of this.#all) {
        if (this.map.id(r) < 0) this.#all.delete(r);
        else {
          const copies = this.#count(r).copies;
          if (copies > SMALL) most = Math.max(most, dom.isSvg(r, 'marker') ? Infinity : copies);
        }
      }
      // every node of the page using the largest one still fits: no need to look
      if (most && this.map.size * most > MAX_PAINT_COPIES) this.#countPage();
      this.#apply(wasCut);
    } catch (e) {
      // a count that failed half way must not leave the cuts off: the last ones go back on
      this.#cuts = new Map([...before].map(([el, kept]) => [el, new Set(kept.map((k) => k.prop))]));
      this.#apply(wasCut);
      throw e;
    } finally {
      this.#counts = new Map();
      this.#busy.clear();
      this.#cuts = new Map();
    }
  }

  /**
   * What the page's own elements (those outside every resource) paint through the resources larger
   * than SMALL, together at most MAX_PAINT_COPIES: in page order, the references past it are cut.
   */
  #countPage(): void {
    let copies = 0;
    for (const n of this.map.nodes()) {
      if (dom.nodeType(n) !== dom.ELEMENT_NODE) continue;
      for (const ref of this.#refs(n as Element)) {
        const inner = this.#count(ref.target).copies * ref.times;
        if (inner <= SMALL || this.#inResource(n)) continue; // counted with the resource that holds it
        if (copies + inner > MAX_PAINT_COPIES) this.#cut(ref);
        else copies += inner;
      }
    }
  }

  #inResource(n: Node): boolean {
    for (let p = dom.parentNode(n); p; p = dom.parentNode(p)) if (this.#all.has(p as Element)) return true;
    return false;
  }

  /**
   * What `r` paints once, its references that do not fit marked to be cut. `depth`: resources above it
   * on this walk; the walk goes no deeper than MAX_PAINT_NESTING (a chain of 100,000 resources would
   * otherwise overflow the stack), so a chain is cut every MAX_PAINT_NESTING resources.
   */
  #count(r: Element, depth = 0): Count {
    const known = this.#counts.get(r);
    if (known) return known;
    if (depth >= MAX_PAINT_NESTING) return TOO_DEEP;
    if (this.#busy.has(r)) return { copies: 0, nesting: 0 }; // a cycle: browsers paint nothing of it
    this.#busy.add(r);
    let copies = 0;
    let nesting = 1;
    for (const e of this.#content(r)) {
      copies++;
      for (const ref of this.#refs(e)) {
        const inner = this.#count(ref.target, depth + 1);
        const more = inner.copies * ref.times;
        if (inner.nesting + 1 > MAX_PAINT_NESTING || copies + more > MAX_PAINT_COPIES) this.#cut(ref);
        else [copies, nesting] = [copies + more, Math.max(nesting, inner.nesting + 1)];
      }
      if (copies > MAX_PAINT_COPIES) break; // its own content alone: counted as it is, the rest unread
    }
    this.#busy.delete(r);
    const count = { copies, nesting };
    this.#counts.set(r, count);
    return count;
  }

  /** The elements `r` paints: its element descendants, a `<use>`'s target's in its place. */
  *#content(r: Element): Generator<Element> {
    const stack: Node[] = [];
    pushChildren(stack, this.#patternSource(r));
    // every `<use>` paints its own copy, so a target is walked once per `<use>`; the caller stops the
    // walk past MAX_PAINT_COPIES, which also ends a cycle of `<use>`s (the `<use>` count cuts those)
    while (stack.length) {
      const n = stack.pop()!;
      if (dom.nodeType(n) !== dom.ELEMENT_NODE) continue;
      yield n as Element;
      const target = isUse(n as Element) ? this.#useTarget(n as Element) : null;
      pushChildren(stack, n);
      if (target) stack.push(target); // its copy comes first: the `<use>` has no children that render
    }
  }

  /** A `<pattern>` with no element children paints the content of the one its href names. */
  #patternSource(r: Element): Element {
    if (!dom.isSvg(r, 'pattern') || hasElementChild(r)) return r;
    const seen = new Set<Element>();
    let at = r;
    while (dom.isSvg(at, 'pattern') && !hasElementChild(at) && !seen.has(at)) {
      seen.add(at);
      const next = this.#byHref(at);
      if (!next || !dom.isSvg(next, 'pattern')) break;
      at = next;
    }
    return at;
  }

  #useTarget(use: Element): Element | null {
    return this.#byHref(use);
  }

  #byHref(el: Element): Element | null {
    const href = dom.getAttributeNS(el, null, 'href') ?? dom.getAttributeNS(el, dom.XLINK_NS, 'href');
    return href?.startsWith('#') ? byId(el, href.slice(1)) : null;
  }

  /** The resources `e` refers to, from its computed style (and, for a `<use>`'s copies, the `<use>`'s). */
  #refs(e: Element): Ref[] {
    const style = this.#computed(e);
    if (!style) return NONE;
    let out = NONE;
    for (const [prop, perVertex] of this.#props) {
      const value = getValue.call(style, prop);
      if (!value.includes('url(')) continue;
      for (const id of urlIds(value)) {
        const target = byId(e, id);
        if (!target || !this.#all.has(target)) continue;
        if (out === NONE) out = [];
        out.push({ from: e, prop, target, times: perVertex ? vertices(e, style) : 1 });
      }
    }
    if (isUse(e)) return out.map((r) => (INHERITED.has(r.prop) ? { ...r, times: r.times * this.#copySize(e) } : r));
    return out;
  }

  /**
   * `e`'s computed style, from its own window (getComputedStyle is the window's own property, which no
   * named element shadows, and the mirror's documents run no script): a live object, kept for the next
   * counts (one less allocation a frame); null in a document without a window.
   */
  #computed(e: Element): CSSStyleDeclaration | null {
    const doc = dom.ownerDocument(e)!;
    const known = this.#styles.get(e);
    if (known?.doc === doc) return known.style;
    const view = dom.defaultView(doc);
    if (!view) return null;
    const style = view.getComputedStyle(e);
    this.#styles.set(e, { doc, style });
    return style;
  }

  /** Elements a `<use>`'s copy holds (each may inherit the `<use>`'s fill, stroke and markers). */
  #copySize(use: Element): number {
    const target = this.#useTarget(use);
    if (!target) return 0;
    let n = 0;
    const stack: Node[] = [target];
    while (stack.length && n <= MAX_PAINT_COPIES) {
      const x = stack.pop()!;
      if (dom.nodeType(x) !== dom.ELEMENT_NODE) continue;
      n++;
      for (let c = dom.firstChild(x); c; c = dom.nextSibling(c)) stack.push(c);
    }
    return n;
  }

  #cut(ref: Ref): void {
    this.map.partial = true;
    let props = this.#cuts.get(ref.from);
    if (!props) this.#cuts.set(ref.from, (props = new Set()));
    props.add(ref.prop);
  }

  /** Cuts what this count cut; what it no longer cuts (restored before the count) loses its marker. */
  #apply(wasCut: Element[]): void {
    for (const [el, props] of this.#cuts) {
      const style = inlineStyle(el);
      if (!style) continue;
      // every value read before any is set, so that what is kept is the page's own
      const kept = [...props].map((prop) => ({ prop, value: getValue.call(style, prop), priority: getPriority.call(style, prop) }));
      for (const k of kept) setProperty.call(style, k.prop, 'none', 'important');
      this.#kept.set(el, kept);
      if (!dom.hasAttribute(el, CUT_ATTR)) dom.setAttribute(el, CUT_ATTR, '');
    }
    for (const el of wasCut) if (!this.#kept.has(el)) dom.removeAttribute(el, CUT_ATTR);
  }
}

function restore(el: Element, k: Kept): void {
  const style = inlineStyle(el);
  if (!style) return;
  if (k.value) setProperty.call(style, k.prop, k.value, k.priority);
  else removeProperty.call(style, k.prop);
}

function inlineStyle(el: Element): CSSStyleDeclaration | null {
  if (dom.namespaceURI(el) === dom.SVG_NS) return svgStyle(el as SVGElement);
  if (dom.namespaceURI(el) === dom.HTML_NS) return htmlStyle(el as HTMLElement);
  return null;
}

/** Pushes `n`'s children last to first, so that they pop in document order. */
function pushChildren(stack: Node[], n: Node): void {
  const at = stack.length;
  for (let c = dom.firstChild(n); c; c = dom.nextSibling(c)) stack.push(c);
  if (stack.length > at + 1) reverseFrom(stack, at);
}

function reverseFrom(a: Node[], from: number): void {
  for (let i = from, j = a.length - 1; i < j; i++, j--) [a[i], a[j]] = [a[j]!, a[i]!];
}

function hasElementChild(el: Element): boolean {
  for (let c = dom.firstChild(el); c; c = dom.nextSibling(c)) if (dom.nodeType(c) === dom.ELEMENT_NODE) return true;
  return false;
}

/** The element an `#id` names where `from` is: its own tree (document or shadow root), else its document. */
function byId(from: Element, id: string): Element | null {
  const root = dom.rootNode(from);
  const kind = dom.nodeType(root);
  const inTree = kind === dom.DOCUMENT_NODE || kind === dom.FRAGMENT_NODE ? dom.elementById(root as Document | DocumentFragment, id) : null;
  const doc = dom.ownerDocument(from);
  return inTree ?? (doc ? dom.elementById(doc, id) : null);
}

/**
 * The ids the `url()`s of a computed value name, by their fragment (whatever comes before the `#`:
 * browsers serialize a local reference as `#id` or as the document's URL and `#id`), raw and
 * percent-decoded (the URL's fragment is matched decoded).
 */
function urlIds(value: string): string[] {
  const ids: string[] = [];
  for (const m of value.matchAll(URL_RE)) {
    const url = m[1] ?? m[2] ?? m[3] ?? '';
    const hash = url.indexOf('#');
    if (hash < 0) continue;
    const id = url.slice(hash + 1);
    ids.push(id);
    try {
      const decoded = decodeURIComponent(id);
      if (decoded !== id) ids.push(decoded);
    } catch {
      /* not percent-encoded after all */
    }
  }
  return ids;
}

/**
 * Vertices a markable element has, at most: 2 for a `<line>`; else one a number of its points or path
 * data (a vertex takes one number at least, `H`/`V`), and one a closepath. Counted from the attribute
 * and the computed `d` (a stylesheet may set a path's), whichever is larger.
 */
function vertices(e: Element, style: CSSStyleDeclaration): number {
  if (dom.isSvg(e, 'line')) return 2;
  const attr = (dom.getAttribute(e, 'points') ?? '') + (dom.getAttribute(e, 'd') ?? '');
  return Math.max(vertexBound(attr), dom.isSvg(e, 'path') ? vertexBound(getValue.call(style, 'd')) : 1);
}

function vertexBound(data: string): number {
  let n = 1 + (data.match(NUMBER_RE)?.length ?? 0);
  for (let i = 0; i < data.length; i++) if (data[i] === 'z' || data[i] === 'Z') n++;
  return n;
}
