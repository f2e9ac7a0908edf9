// A normalizing comparer: the sharer's document against the mirror's, node by node, with the state the
// DOM does not hold in attributes (form values, scroll, dialogs), the stylesheets (owned, CSSOM-only and
// adopted) and the computed styles of a sample of elements. It returns a list of differences, each one
// "path: what"; a test asserts the list is empty.
//
// Everything walks iteratively with an explicit stack: pages 5,000 levels deep must not overflow.
//
// What the mirror is allowed to change, for the viewer's safety (and nothing else):
// - `on*` attributes are dropped (the mirror must not have any);
// - `javascript:` (and active `data:`) URLs are neutralised (the mirror's value must not be one);
// - `<script>` elements stay but inert: their attributes and contents are not compared;
// - `<iframe>`/`<frame>` `src` and every `srcdoc` are dropped (the mirror builds frame documents itself);
// - `target`/`formtarget`/`nonce`, `<base href/target>`, `<meta http-equiv>` (+ refresh `content`),
//   plugin attributes, SVG `<a href>` and preload-like `<link rel>` values are dropped or defused
//   (the list in src/mirror/sanitize.ts);
// - the children of `<canvas>` and `<noscript>` are not compared, on either side: that is fallback
//   content the sharer (scripting on) never shows, and the capture does not send it. (The mirror runs
//   without scripts, so it would render it: a mirror canvas shows the CANVAS picture instead, through a
//   mirror-owned `<style data-cobrowse-mirror-canvas>` child, skipped anyway as said below.) The
//   elements themselves, their attributes and computed styles are compared as usual (but a noscript's
//   `display` is compared as "has a box or not": Chromium reports `inline` for one it never renders);
// - an attribute whose name the viewer's own DOM refuses (WebKitGTK's setAttribute rejects `@click`,
//   which its parser makes) is left out of the mirror: it is expected missing there;
// - it adds its own attributes, all prefixed `data-cobrowse-mirror-` (hover/focus markers...): exactly
//   those attribute names are ignored, and elements carrying one with no node id in the mirror
//   (`mirror.id(node)` is 0) are the mirror's own (e.g. an injected style) and are skipped.
// Relative URLs: the mirror's values must be ABSOLUTE, equal to the sharer's value resolved against the
// sharer document's base URL (a stylesheet's own URL for rules of a `<link>`ed sheet).

export interface MirrorLike {
  id?(node: Node): number | null | undefined;
  node?(id: number): Node | null | undefined;
}

export interface CompareOptions {
  /** The Mirror (for node ids: which nodes are its own, and closed shadow roots). */
  mirror?: MirrorLike | null;
  /** Compare stylesheets (owned, CSSOM and adopted). Default true. */
  styles?: boolean;
  /** How many element pairs get their computed styles compared (evenly sampled). Default 50. */
  computed?: number;
  /** Compare form state, scroll positions and dialog state. Default true. */
  state?: boolean;
  /** A sharer node whose pair (and subtree) is not compared at all (e.g. blocked or masked content). */
  skip?: (sharerNode: Node) => boolean;
  /**
   * A sharer node the capture leaves out entirely (`data-cobrowse-ignore`): not paired with a mirror
   * node, not counted among its parent's children.
   */
  absent?: (sharerNode: Node) => boolean;
  /** A sharer element's CLOSED shadow root, when the test recorded it (page JS cannot reach it). */
  closedRoot?: (sharerHost: Element) => ShadowRoot | null | undefined;
  /** The mirror's closed shadow root of a mirror element. */
  mirrorClosedRoot?: (mirrorHost: Element) => ShadowRoot | null | undefined;
  /** Stop after this many differences. Default 200. */
  maxDiffs?: number;
}

const MIRROR_ATTR_PREFIX = 'data-cobrowse-mirror-';
const COMPUTED_PROPS = ['color', 'background-color', 'display', 'font-size', 'width', 'visibility'];

interface Entry {
  s: Node;
  m: Node;
  parent: Entry | null;
  label: string;
  depth: number;
}

function pathOf(e: Entry): string {
  const parts: string[] = [];
  for (let p: Entry | null = e; p; p = p.parent) parts.push(p.label);
  parts.reverse();
  if (parts.length > 14) return `${parts.slice(0, 5).join('>')}>…(${parts.length - 12} levels)…>${parts.slice(-7).join('>')}`;
  return parts.join('>');
}

function clip(s: string | null | undefined, n = 120): string {
  if (s === null || s === undefined) return String(s);
  const j = JSON.stringify(s);
  return j.length > n ? `${j.slice(0, n)}…(${s.length} chars)` : j;
}

// ---------- URLs (our own resolution, independent of the capture's code) ----------

const SKIP_URL = /^\s*(#|data:|blob:|about:|mailto:|tel:|javascript:)/i;

export function resolveUrl(value: string, base: string): string {
  if (!value.trim() || SKIP_URL.test(value)) return value;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return value;
  }
}

/** `url(...)` in CSS text resolved against `base`; quotes kept as written. */
export function resolveCssUrls(css: string, base: string): string {
  if (!base) return css;
  return css.replace(/url\(\s*(['"]?)(.*?)\1\s*\)/gi, (match, q: string, url: string) => {
    const abs = resolveUrl(url, base);
    return abs === url ? match : `url(${q}${abs}${q})`;
  });
}

function srcsetItems(value: string): string[][] {
  return value
    .split(/,(?=\s|$)|,(?=[^,\s])(?![^()]*\))/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => item.split(/\s+/));
}

/** Attributes holding one URL, per element local name (lower case). */
const URL_ATTRS: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src'],
  source: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  embed: ['src'],
  object: ['data'],
  input: ['src'],
  form: ['action'],
  button: ['formaction'],
  image: ['href', 'xlink:href'],
  use: ['href', 'xlink:href'],
  feimage: ['href', 'xlink:href'],
  td: ['background'],
  table: ['background'],
  body: ['background'],
};

/** Attributes the mirror drops per element (sanitize.ts: sub-frames, plugins, base, meta http-equiv). */
const DROPPED_ON: Record<string, readonly string[]> = {
  iframe: ['src'],
  frame: ['src'],
  object: ['data', 'codebase', 'classid', 'archive', 'type'],
  embed: ['src', 'code', 'codebase', 'type'],
  base: ['href', 'target'],
  meta: ['http-equiv'],
};
/** `<link rel>` tokens the mirror keeps (README, "The viewer's safety"); any other token is dropped. */
const KEPT_REL =
  /^(stylesheet|alternate|icon|shortcut|apple-touch-icon(-precomposed)?|mask-icon|canonical|author|license|help|next|prev|bookmark|tag|nofollow|noopener|noreferrer|me)$/i;
const relDropsTokens = (rel: string): boolean =>
  rel.trim() !== '' &&
  rel
    .trim()
    .split(/\s+/)
    .some((t) => !KEPT_REL.test(t));
/** URLs that would run script or load an active document: the mirror must neutralise them. */
const ACTIVE_URL = /^\s*(javascript|vbscript):|^\s*data:(?!image\/|font\/|audio\/|video\/|text\/css)/i;

const URLISH = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'cite',
  'longdesc',
  'xlink:href',
  'ping',
  'manifest',
  'icon',
  'usemap',
]);

function isUrlAttr(tag: string, name: string): boolean {
  return URL_ATTRS[tag]?.includes(name) ?? false;
}

// ---------- the walk ----------

/** Whether a mirror node is the mirror's own addition (not a mirrored node). */
export function isMirrorOwn(node: Node, mirror: MirrorLike | null | undefined): boolean {
  if (node.nodeType !== 1) return false;
  const el = node as Element;
  let marked = false;
  for (const a of el.getAttributeNames()) if (a.startsWith(MIRROR_ATTR_PREFIX)) marked = true;
  if (!marked) return false;
  if (mirror?.id) return !((mirror.id(node) ?? 0) > 0);
  return false;
}

function label(node: Node, index: number): string {
  switch (node.nodeType) {
    case 1: {
      const el = node as Element;
      return `${el.localName}${el.id ? `#${el.id}` : ''}[${index}]`;
    }
    case 3:
      return `#text[${index}]`;
    case 8:
      return `#comment[${index}]`;
    case 4:
      return `#cdata[${index}]`;
    case 10:
      return '#doctype';
    case 9:
      return '#document';
    case 11:
      return (node as ShadowRoot).host ? '#shadow' : '#content';
    default:
      return `${node.nodeName}[${index}]`;
  }
}

function kindName(node: Node): string {
  return label(node, 0).replace(/\[0\]$/, '');
}

export function compareDocuments(sharerDoc: Document, mirrorDoc: Document | null, options: CompareOptions = {}): string[] {
  const diffs: string[] = [];
  const max = options.maxDiffs ?? 200;
  if (!mirrorDoc) return ['mirror has no document'];
  const mirror = options.mirror ?? null;
  const styles = options.styles ?? true;
  const state = options.state ?? true;
  const skip = options.skip;
  const absent = options.absent;
  const pairs: [Element, Element, Entry][] = [];
  const sheetMap = new Map<CSSStyleSheet, CSSStyleSheet>();
  let closedRoots: Map<Element, ShadowRoot> | null = null;
  const mirrorClosedRoot =
    options.mirrorClosedRoot ??
    ((el: Element) => {
      const m = mirror as unknown as Record<string, unknown> | null;
      for (const name of ['shadowRoot', 'shadowRootOf', 'closedShadowRoot']) {
        const f = m?.[name];
        if (typeof f === 'function') return (f as (e: Element) => ShadowRoot | null).call(m, el);
      }
      // no accessor: look the root up among the mirror's nodes by id
      if (!closedRoots && mirror?.node) {
        closedRoots = new Map();
        for (let id = 1, misses = 0; misses < 5000; id++) {
          const n = mirror.node(id);
          if (!n) misses++;
          else {
            misses = 0;
            if (n.nodeType === 11 && (n as ShadowRoot).host) closedRoots.set((n as ShadowRoot).host, n as ShadowRoot);
          }
        }
      }
      return closedRoots?.get(el) ?? null;
    });

  const add = (e: Entry, what: string) => {
    if (diffs.length < max) diffs.push(`${pathOf(e)}: ${what}`);
  };

  const stack: Entry[] = [{ s: sharerDoc, m: mirrorDoc, parent: null, label: '#document', depth: 0 }];
  while (stack.length && diffs.length < max) {
    const e = stack.pop()!;
    const { s, m } = e;
    if (s.nodeType !== m.nodeType) {
      add(e, `node kind: sharer ${kindName(s)}, mirror ${kindName(m)}`);
      continue;
    }
    if (mirror?.id && mirror.node && m.nodeType !== 10) {
      const id = mirror.id(m);
      if (id && id > 0 && mirror.node(id) !== m) add(e, `mirror.node(mirror.id(node)) is not the node (id ${id})`);
    }
    let childrenOf: Node | null = s;
    switch (s.nodeType) {
      case 1:
        childrenOf = compareElement(e, s as Element, m as Element);
        break;
      case 3:
      case 4:
      case 8: {
        const sd = (s as CharacterData).data;
        const md = (m as CharacterData).data;
        const inStyle = s.parentNode?.nodeName === 'STYLE' || s.parentNode?.nodeName === 'style';
        const base = (s.ownerDocument ?? sharerDoc).baseURI;
        // <style> text: url()s may be made absolute (the applied rules are compared separately)
        const equal = inStyle ? resolveCssUrls(sd, base) === resolveCssUrls(md, base) : sd === md;
        if (!equal) add(e, `text: sharer ${clip(sd)}, mirror ${clip(md)}`);
        childrenOf = null;
        break;
      }
      case 10: {
        const sd = s as DocumentType;
        const md = m as DocumentType;
        if (sd.name !== md.name || sd.publicId !== md.publicId || sd.systemId !== md.systemId) {
          add(
            e,
            `doctype: sharer ${clip(`${sd.name}|${sd.publicId}|${sd.systemId}`)}, mirror ${clip(`${md.name}|${md.publicId}|${md.systemId}`)}`,
          );
        }
        childrenOf = null;
        break;
      }
      case 9: {
        const sd = s as Document;
        const md = m as Document;
        if (state) {
          const sw = sd.defaultView;
          const mw = md.defaultView;
          if (sw && mw && (Math.round(sw.scrollX) !== Math.round(mw.scrollX) || Math.round(sw.scrollY) !== Math.round(mw.scrollY))) {
            add(e, `document scroll: sharer ${sw.scrollX},${sw.scrollY}, mirror ${mw.scrollX},${mw.scrollY}`);
          }
        }
        if (sd.compatMode !== md.compatMode) add(e, `compatMode: sharer ${sd.compatMode}, mirror ${md.compatMode}`);
        if (styles) compareRootSheets(e, sd, md);
        break;
      }
      case 11: {
        const sr = s as ShadowRoot;
        const mr = m as ShadowRoot;
        if (sr.host) {
          if (sr.mode !== mr.mode) add(e, `shadow root mode: sharer ${sr.mode}, mirror ${mr.mode}`);
          if (styles) compareRootSheets(e, sr, mr);
        }
        break;
      }
    }
    if (childrenOf) pushChildren(e, s, m);
  }

  function pushChildren(e: Entry, sParent: Node, mParent: Node): void {
    const sKids: Node[] = [];
    for (let c = sParent.firstChild; c; c = c.nextSibling) if (!absent?.(c)) sKids.push(c);
    const mKids: Node[] = [];
    for (let c = mParent.firstChild; c; c = c.nextSibling) if (!isMirrorOwn(c, mirror)) mKids.push(c);
    if (sKids.length !== mKids.length) {
      // name the first child that differs, to make the report useful
      let i = 0;
      while (i < sKids.length && i < mKids.length && sameShape(sKids[i], mKids[i])) i++;
      add(
        e,
        `child count: sharer ${sKids.length}, mirror ${mKids.length}; first difference at child ${i}: sharer ${
          sKids[i] ? describe(sKids[i]) : 'none'
        }, mirror ${mKids[i] ? describe(mKids[i]) : 'none'}`,
      );
    }
    const n = Math.min(sKids.length, mKids.length);
    // push in reverse so that the walk goes in document order (diffs read top-down)
    for (let i = n - 1; i >= 0; i--) {
      if (skip?.(sKids[i])) continue;
      stack.push({ s: sKids[i], m: mKids[i], parent: e, label: label(sKids[i], i), depth: e.depth + 1 });
    }
  }

  /** Compares one element; pushes its shadow root, template content and frame document; returns the
   * node whose children are to be compared (null: none). */
  function compareElement(e: Entry, s: Element, m: Element): Node | null {
    if (s.namespaceURI !== m.namespaceURI || s.localName !== m.localName) {
      add(e, `element: sharer ${s.namespaceURI}|${s.localName}, mirror ${m.namespaceURI}|${m.localName}`);
      return null;
    }
    const tag = s.localName.toLowerCase();
    const isHtml = s.namespaceURI === 'http://www.w3.org/1999/xhtml';
    const base = (s.ownerDocument ?? sharerDoc).baseURI;
    compareAttributes(e, s, m, tag, isHtml, base);
    if (isHtml && tag === 'script') return null; // inert in the mirror: contents dropped
    if (state) compareState(e, s, m, tag, isHtml);
    const fallbackOnly = isHtml && (tag === 'canvas' || tag === 'noscript'); // children not sent (see header)
    // (not too deep: Chromium's style code recurses and a 5,000-level tree crashes its renderer)
    if (pairs.length < 200_000 && s.isConnected && e.depth < 400) pairs.push([s, m, e]);

    // shadow root (open, or closed when the test recorded it)
    const ss = s.shadowRoot ?? options.closedRoot?.(s) ?? null;
    const ms = m.shadowRoot ?? (ss && ss.mode === 'closed' ? mirrorClosedRoot(m) : null) ?? null;
    if (ss && !ms) add(e, `shadow root (${ss.mode}) missing in the mirror`);
    else if (!ss && ms && ms.mode === 'open') add(e, 'mirror has a shadow root the sharer has not');
    else if (ss && ms) stack.push({ s: ss, m: ms, parent: e, label: '#shadow', depth: e.depth + 1 });

    // template content
    if (isHtml && tag === 'template') {
      const sc = (s as HTMLTemplateElement).content;
      const mc = (m as HTMLTemplateElement).content;
      if (sc && mc) stack.push({ s: sc, m: mc, parent: e, label: '#content', depth: e.depth + 1 });
    }

    // same-origin frame documents
    if (isHtml && (tag === 'iframe' || tag === 'frame' || tag === 'object')) {
      let sd: Document | null;
      try {
        sd = (s as HTMLIFrameElement).contentDocument;
      } catch {
        sd = null;
      }
      if (sd) {
        let md: Document | null;
        try {
          md = (m as HTMLIFrameElement).contentDocument;
        } catch {
          md = null;
        }
        if (!md) add(e, 'frame document missing in the mirror (sharer frame is same-origin)');
        else stack.push({ s: sd, m: md, parent: e, label: '#document', depth: e.depth + 1 });
      }
    }
    return fallbackOnly ? null : s;
  }

  function compareAttributes(e: Entry, s: Element, m: Element, tag: string, isHtml: boolean, base: string): void {
    if (isHtml && tag === 'script') return;
    // what the mirror drops or defuses for safety (documented in src/mirror/sanitize.ts)
    const isSvg = s.namespaceURI === 'http://www.w3.org/2000/svg';
    const htmlOrSvg = isHtml || isSvg;
    const harmless = (name: string): boolean =>
      name === 'srcdoc' ||
      name === 'target' ||
      name === 'formtarget' ||
      name === 'nonce' ||
      name === 'referrerpolicy' ||
      name === 'attributionsrc' ||
      (isHtml && tag === 'meta' && name === 'name' && /^\s*referrer\s*$/i.test(s.getAttribute('name') ?? '')) ||
      (htmlOrSvg && (DROPPED_ON[tag]?.includes(name) ?? false)) ||
      (isSvg && tag === 'a' && (name === 'href' || name === 'xlink:href')) ||
      (tag === 'link' && name === 'rel' && relDropsTokens(s.getAttribute('rel') ?? '')) ||
      (isHtml && tag === 'meta' && name === 'content' && /refresh/i.test(s.getAttribute('http-equiv') ?? ''));
    const seen = new Set<string>();
    for (const attr of Array.from(s.attributes)) {
      const name = attr.name;
      seen.add(name);
      const lname = name.toLowerCase();
      if (lname.startsWith('on')) continue; // dropped in the mirror; checked below that it is absent
      if (harmless(lname)) continue;
      const mAttr = m.attributes.getNamedItem(name);
      if (!mAttr) {
        if (URLISH.has(lname) && ACTIVE_URL.test(attr.value)) continue; // neutralised by removal: fine
        if (viewerRefuses(name)) continue; // left out, reported by the mirror (see the header)
        add(e, `attribute ${name} missing in the mirror (sharer ${clip(attr.value)})`);
        continue;
      }
      if (mAttr.namespaceURI !== attr.namespaceURI) {
        add(e, `attribute ${name} namespace: sharer ${attr.namespaceURI}, mirror ${mAttr.namespaceURI}`);
      }
      const sv = attr.value;
      const mv = mAttr.value;
      if (URLISH.has(lname) && ACTIVE_URL.test(sv)) {
        if (ACTIVE_URL.test(mv)) add(e, `attribute ${name}: active URL not neutralised (${clip(mv)})`);
        continue;
      }
      if (lname === 'style') {
        const st = (s as HTMLElement).style;
        const mt = (m as HTMLElement).style;
        if (st && mt) {
          const want = resolveCssUrls(st.cssText, base);
          if (want !== mt.cssText) add(e, `style: sharer (resolved) ${clip(want)}, mirror ${clip(mt.cssText)}`);
          continue;
        }
      }
      if (lname === 'srcset' || lname === 'imagesrcset') {
        const want = srcsetItems(sv).map(([u, ...d]) => [resolveUrl(u, base), ...d].join(' '));
        const got = srcsetItems(mv).map((p) => p.join(' '));
        if (want.join(', ') !== got.join(', '))
          add(e, `${name}: sharer (resolved) ${clip(want.join(', '))}, mirror ${clip(got.join(', '))}`);
        continue;
      }
      const want = isUrlAttr(tag, lname) ? resolveUrl(sv, base) : sv;
      if (want !== mv) add(e, `attribute ${name}: sharer ${want !== sv ? `(resolved) ` : ''}${clip(want)}, mirror ${clip(mv)}`);
    }
    for (const attr of Array.from(m.attributes)) {
      const lname = attr.name.toLowerCase();
      if (lname.startsWith(MIRROR_ATTR_PREFIX)) continue; // the mirror's own markers
      if (lname.startsWith('on')) {
        add(e, `mirror has an event handler attribute ${attr.name}`);
        continue;
      }
      if (!seen.has(attr.name) && !harmless(lname)) add(e, `mirror has an extra attribute ${attr.name}=${clip(attr.value)}`);
    }
  }

  function compareState(e: Entry, s: Element, m: Element, tag: string, isHtml: boolean): void {
    if (isHtml) {
      if (tag === 'input') {
        const si = s as HTMLInputElement;
        const mi = m as HTMLInputElement;
        if (si.type !== 'file' && si.value !== mi.value) add(e, `value: sharer ${clip(si.value)}, mirror ${clip(mi.value)}`);
        if ((si.type === 'checkbox' || si.type === 'radio') && si.checked !== mi.checked) {
          add(e, `checked: sharer ${si.checked}, mirror ${mi.checked}`);
        }
        if (si.type === 'checkbox' && si.indeterminate !== mi.indeterminate) {
          add(e, `indeterminate: sharer ${si.indeterminate}, mirror ${mi.indeterminate}`);
        }
      } else if (tag === 'textarea') {
        const sv = (s as HTMLTextAreaElement).value;
        const mv = (m as HTMLTextAreaElement).value;
        if (sv !== mv) add(e, `value: sharer ${clip(sv)}, mirror ${clip(mv)}`);
      } else if (tag === 'select') {
        const ss = s as HTMLSelectElement;
        const ms = m as HTMLSelectElement;
        if (ss.selectedIndex !== ms.selectedIndex) add(e, `selectedIndex: sharer ${ss.selectedIndex}, mirror ${ms.selectedIndex}`);
        if (ss.value !== ms.value) add(e, `select value: sharer ${clip(ss.value)}, mirror ${clip(ms.value)}`);
      } else if (tag === 'option') {
        const so = s as HTMLOptionElement;
        const mo = m as HTMLOptionElement;
        if (so.selected !== mo.selected) add(e, `selected: sharer ${so.selected}, mirror ${mo.selected}`);
      } else if (tag === 'dialog') {
        const sd = s as HTMLDialogElement;
        const md = m as HTMLDialogElement;
        if (sd.open !== md.open) add(e, `dialog open: sharer ${sd.open}, mirror ${md.open}`);
        const smodal = sd.matches(':modal');
        const mmodal = md.matches(':modal');
        if (smodal !== mmodal) add(e, `dialog modal: sharer ${smodal}, mirror ${mmodal}`);
      } else if (tag === 'details') {
        const so = (s as HTMLDetailsElement).open;
        const mo = (m as HTMLDetailsElement).open;
        if (so !== mo) add(e, `details open: sharer ${so}, mirror ${mo}`);
      }
    }
    if (s.scrollTop || s.scrollLeft || m.scrollTop || m.scrollLeft) {
      if (Math.round(s.scrollTop) !== Math.round(m.scrollTop) || Math.round(s.scrollLeft) !== Math.round(m.scrollLeft)) {
        add(e, `scroll: sharer ${s.scrollLeft},${s.scrollTop}, mirror ${m.scrollLeft},${m.scrollTop}`);
      }
    }
  }

  function compareRootSheets(e: Entry, s: Document | ShadowRoot, m: Document | ShadowRoot): void {
    const base = (s.nodeType === 9 ? (s as Document) : (s as ShadowRoot).ownerDocument).baseURI;
    // owned sheets (<style>, <link>): the mirror's own style elements are not counted
    const sOwned = Array.from(s.styleSheets);
    const mOwned = Array.from(m.styleSheets).filter((sh) => !(sh.ownerNode && isMirrorOwn(sh.ownerNode, mirror)));
    if (sOwned.length !== mOwned.length) {
      add(e, `styleSheets count: sharer ${sOwned.length}, mirror ${mOwned.length}`);
    }
    for (let i = 0; i < Math.min(sOwned.length, mOwned.length); i++) {
      const ss = sOwned[i] as CSSStyleSheet;
      const ms = mOwned[i] as CSSStyleSheet;
      const where = `styleSheets[${i}] (${ss.ownerNode ? describe(ss.ownerNode) : '?'})`;
      if (ss.disabled !== ms.disabled) add(e, `${where} disabled: sharer ${ss.disabled}, mirror ${ms.disabled}`);
      if (ss.media.mediaText !== ms.media.mediaText)
        add(e, `${where} media: sharer ${clip(ss.media.mediaText)}, mirror ${clip(ms.media.mediaText)}`);
      // a linked sheet's url()s are relative to the sheet itself, the same file in both: compared as is
      compareSheet(e, where, ss, ms, ss.href ? '' : base);
    }
    // adopted sheets, and their sharing between roots (one constructed sheet adopted by many roots)
    const sa = s.adoptedStyleSheets ?? [];
    const ma = m.adoptedStyleSheets ?? [];
    if (sa.length !== ma.length) add(e, `adoptedStyleSheets count: sharer ${sa.length}, mirror ${ma.length}`);
    for (let i = 0; i < Math.min(sa.length, ma.length); i++) {
      const where = `adoptedStyleSheets[${i}]`;
      const known = sheetMap.get(sa[i]);
      if (known && known !== ma[i]) add(e, `${where}: the sharer shares this sheet with another root, the mirror does not`);
      sheetMap.set(sa[i], ma[i]);
      compareSheet(e, where, sa[i], ma[i], base);
    }
  }

  function compareSheet(e: Entry, where: string, ss: CSSStyleSheet, ms: CSSStyleSheet, base: string): void {
    let sRules: CSSRuleList;
    let mRules: CSSRuleList;
    try {
      sRules = ss.cssRules;
    } catch {
      return; // cross-origin sheet on the sharer: rules not readable
    }
    try {
      mRules = ms.cssRules;
    } catch {
      add(e, `${where}: mirror rules not readable`);
      return;
    }
    // nested lists (media, supports, layer, nesting) with an explicit stack
    const todo: [CSSRuleList, CSSRuleList, string][] = [[sRules, mRules, where]];
    while (todo.length) {
      const [sl, ml, at] = todo.pop()!;
      if (sl.length !== ml.length) {
        add(
          e,
          `${at}: rule count: sharer ${sl.length}, mirror ${ml.length} (sharer: ${clip(Array.from(sl, (r) => r.cssText).join(' '), 200)}; mirror: ${clip(Array.from(ml, (r) => r.cssText).join(' '), 200)})`,
        );
        continue;
      }
      for (let i = 0; i < sl.length; i++) {
        const sr = sl[i];
        const mr = ml[i];
        const here = `${at}.rule[${i}]`;
        if (sr.type !== mr.type) {
          add(e, `${here}: rule type: sharer ${sr.type} ${clip(sr.cssText)}, mirror ${mr.type} ${clip(mr.cssText)}`);
          continue;
        }
        const sStyle = sr as CSSStyleRule;
        const mStyle = mr as CSSStyleRule;
        const sKids = (sr as CSSGroupingRule).cssRules;
        const mKids = (mr as CSSGroupingRule).cssRules;
        if (typeof sStyle.selectorText === 'string') {
          // the mirror rewrites :hover/:focus selectors (to also match its marker attributes): for
          // those only the declarations are compared
          const dynamic = /:(hover|focus)/i.test(sStyle.selectorText);
          if (!dynamic && sStyle.selectorText !== mStyle.selectorText) {
            add(e, `${here}: selector: sharer ${clip(sStyle.selectorText)}, mirror ${clip(mStyle.selectorText)}`);
          }
          if (dynamic && !mStyle.selectorText) add(e, `${here}: mirror rule has no selector`);
          const want = resolveCssUrls(sStyle.style.cssText, base);
          if (want !== mStyle.style.cssText)
            add(e, `${here} (${clip(sStyle.selectorText, 60)}): declarations: sharer ${clip(want)}, mirror ${clip(mStyle.style.cssText)}`);
        } else if (sKids && mKids) {
          const head = (r: CSSRule) => r.cssText.slice(0, r.cssText.indexOf('{')).trim();
          if (head(sr) !== head(mr)) add(e, `${here}: rule: sharer ${clip(head(sr))}, mirror ${clip(head(mr))}`);
        } else {
          const want = resolveCssUrls(sr.cssText, base);
          if (want !== mr.cssText) add(e, `${here}: rule: sharer ${clip(want)}, mirror ${clip(mr.cssText)}`);
        }
        if (sKids && mKids) todo.push([sKids, mKids, here]);
      }
    }
  }

  // computed styles of an even sample of the element pairs
  const sample = Math.min(options.computed ?? 50, pairs.length);
  if (sample > 0 && diffs.length < max) {
    const step = pairs.length / sample;
    for (let k = 0; k < sample; k++) {
      const [s, m, e] = pairs[Math.floor(k * step)];
      if (!s.isConnected || !m.isConnected) continue;
      if (inUnrenderedSvgContent(s)) continue;
      const sv = s.ownerDocument.defaultView;
      const mv = m.ownerDocument.defaultView;
      if (!sv || !mv) continue;
      const sc = sv.getComputedStyle(s);
      const mc = mv.getComputedStyle(m);
      // a <noscript> on the sharer (scripting on) is never rendered, but only Firefox and WebKit say so
      // in its computed `display` (none, their UA sheet); Chromium reports `inline` and just lays out
      // no box. So for a noscript the comparison is whether it has a box, not what `display` says.
      const noscript = s.localName === 'noscript' && s.namespaceURI === 'http://www.w3.org/1999/xhtml';
      if (noscript && s.getClientRects().length !== m.getClientRects().length) {
        add(e, `noscript boxes: sharer ${s.getClientRects().length}, mirror ${m.getClientRects().length}`);
      }
      for (const p of COMPUTED_PROPS) {
        if (noscript && p === 'display') continue;
        const a = sc.getPropertyValue(p);
        const b = mc.getPropertyValue(p);
        if (a !== b) add(e, `computed ${p}: sharer ${a}, mirror ${b}`);
      }
    }
  }
  return diffs;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/**
 * Whether `el` is in a subtree no browser renders: below an HTML element placed directly in SVG
 * content (not in a <foreignObject>), as random mutations make. Its computed style means nothing
 * there, and WebKit reports whatever it last resolved (sharer and mirror then differ by history).
 */
function inUnrenderedSvgContent(el: Element): boolean {
  for (let x: Element | null = el; x; x = x.parentElement) {
    const p = x.parentElement;
    if (p && p.namespaceURI === SVG_NS && x.namespaceURI !== SVG_NS && p.localName !== 'foreignObject') return true;
  }
  return false;
}

/** Whether the viewer's (this page's) DOM refuses `name` in setAttribute(NS). */
function viewerRefuses(name: string): boolean {
  const el = document.createElement('div');
  try {
    const prefix = name.split(':')[0];
    const ns = {
      xlink: 'http://www.w3.org/1999/xlink',
      xml: 'http://www.w3.org/XML/1998/namespace',
      xmlns: 'http://www.w3.org/2000/xmlns/',
    }[prefix];
    if (name.includes(':') && ns) el.setAttributeNS(ns, name, '');
    else el.setAttribute(name, '');
    return false;
  } catch {
    return true;
  }
}

function sameShape(a: Node, b: Node): boolean {
  if (a.nodeType !== b.nodeType) return false;
  if (a.nodeType === 1) return (a as Element).localName === (b as Element).localName;
  if (a.nodeType === 3 || a.nodeType === 8) return (a as CharacterData).data === (b as CharacterData).data;
  return true;
}

function describe(n: Node): string {
  if (n.nodeType === 1) {
    const el = n as Element;
    return `<${el.localName}${el.id ? `#${el.id}` : ''}>`;
  }
  if (n.nodeType === 3 || n.nodeType === 8 || n.nodeType === 4) return `${kindName(n)} ${clip((n as CharacterData).data, 40)}`;
  return kindName(n);
}

/** A short structural dump of a subtree (for failure messages in ad-hoc checks). */
export function outline(node: Node, maxChars = 400): string {
  let out = '';
  const stack: [Node, number][] = [[node, 0]];
  while (stack.length && out.length < maxChars) {
    const [n, d] = stack.pop()!;
    out += `${'  '.repeat(Math.min(d, 10))}${describe(n)}\n`;
    const kids: Node[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) kids.push(c);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], d + 1]);
  }
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

/**
 * The mirror's counterpart of a sharer node, found by its position (child indexes, shadow roots,
 * same-origin frame documents), skipping the mirror's own nodes. Null when there is none.
 */
export function counterpart(sharerNode: Node, sharerTop: Document, mirrorDoc: Document, mirror?: MirrorLike | null): Node | null {
  const steps: (number | 'shadow')[] = [];
  let n: Node | null = sharerNode;
  while (n && n.nodeType !== 9) {
    const p: Node | null = n.parentNode;
    if (!p) {
      if (n.nodeType === 11 && (n as ShadowRoot).host) {
        steps.push('shadow');
        n = (n as ShadowRoot).host;
        continue;
      }
      return null;
    }
    let i = 0;
    for (let c = p.firstChild; c && c !== n; c = c.nextSibling) i++;
    steps.push(i);
    n = p;
  }
  if (!n) return null;
  let start: Node | null = mirrorDoc;
  if (n !== sharerTop) {
    const frameEl = (n as Document).defaultView?.frameElement;
    if (!frameEl) return null;
    const mFrame = counterpart(frameEl, sharerTop, mirrorDoc, mirror) as HTMLIFrameElement | null;
    start = mFrame?.contentDocument ?? null;
  }
  let m: Node | null = start;
  for (let k = steps.length - 1; k >= 0 && m; k--) {
    const s = steps[k];
    if (s === 'shadow') m = (m as Element).shadowRoot;
    else {
      let i = -1;
      let c: Node | null = m.firstChild;
      for (; c; c = c.nextSibling) {
        if (isMirrorOwn(c, mirror)) continue;
        if (++i === s) break;
      }
      m = c;
    }
  }
  return m;
}
