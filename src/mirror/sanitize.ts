// Everything the mirror neutralises, in one place. The viewer's browser renders a stranger's page, so
// nothing in it may run, navigate, submit or load active content. First layer: the iframe's sandbox
// ("allow-same-origin" only: no scripts, no forms, no popups, no top navigation). Second layer, here:
// the markup itself is defused as it is built, so a sandbox mistake (or a browser bug) is not enough.
import { HTML_NS, SVG_NS } from '../dom/safe-dom.js';

/** Prefix of every attribute the mirror owns; the sharer may not set or remove these. */
export const MARKER = 'data-cobrowse-mirror-';
/** `type` given to every `<script>` (HTML and SVG): not a JavaScript MIME type, so never prepared. */
export const INERT_SCRIPT_TYPE = 'text/x-cobrowse-inert';
/** What an unsafe URL becomes: loads nothing, navigates nowhere. */
export const BLOCKED_URL = 'about:blank#cobrowse-blocked';

/**
 * Attributes whose value is (or contains) a URL. `javascript:` in any of them could run script on
 * activation or load; `data:text/html` etc. would load an active document.
 */
const URL_ATTRS = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'poster',
  'background',
  'codebase',
  'cite',
  'longdesc',
  'lowsrc',
  'dynsrc',
  'ping',
  'manifest',
  'icon',
  'profile',
  'usemap',
  'archive',
  'classid',
  'itemtype',
  'xlink:href',
  'srcset',
  'imagesrcset',
  'to',
  'from',
  'by',
  'values',
]);
/** Attributes dropped on every element: inline documents and navigation targets. */
const DROP_ALWAYS = new Set([
  'srcdoc', // <iframe srcdoc> is a whole inline (same-origin!) document
  'target', // links and forms must not aim at other browsing contexts
  'formtarget',
  'nonce', // meaningless in the mirror, and a leak of the sharer's CSP nonce
  // the mirror document's referrer policy is no-referrer (resources.ts); a page may not loosen it per
  // element (`referrerpolicy="unsafe-url"` would send the console's URL with each load)
  'referrerpolicy',
  'attributionsrc', // Attribution Reporting: registers and pings URLs the resource policy does not see
]);
/** Per element (local name, lowercase): attributes that would load or activate content. */
const DROP_ON: Record<string, Set<string>> = {
  // sub-frames are never loaded: same-origin frame documents arrive as DOCUMENT nodes, cross-origin
  // frames render empty. An about:blank frame inherits the sandbox.
  iframe: new Set(['src']),
  frame: new Set(['src']),
  // plugins and their active content
  object: new Set(['data', 'codebase', 'classid', 'archive', 'type']),
  embed: new Set(['src', 'code', 'codebase', 'type']),
  applet: new Set(['code', 'codebase', 'archive', 'object', 'src']),
  portal: new Set(['src']),
  fencedframe: new Set(['src', 'config']),
  // a <base> would redirect every relative URL and default every link target; capture already sends
  // absolute URLs, so the mirror needs neither
  base: new Set(['href', 'target']),
  // <meta http-equiv=refresh content="0;url=javascript:..."> navigates; set-cookie/CSP variants are
  // not ours to apply either
  meta: new Set(['http-equiv']),
  // scripts keep their inert type (see INERT_SCRIPT_TYPE) and load nothing
  script: new Set(['src', 'href', 'xlink:href', 'type', 'async', 'defer', 'integrity']),
};
/**
 * `<link rel>` tokens kept: stylesheets and icons (passive loads the resource policy governs) and
 * tokens that load nothing. Every other token goes — `preconnect`, `dns-prefetch`, `prefetch`,
 * `prerender`, `modulepreload`, `manifest`, and whatever browsers add next — because several of them
 * open connections no Content-Security-Policy covers. An allow-list, token by token: a deny-list
 * regex once removed only the first of `"preconnect preconnect"`.
 */
const SAFE_REL = new Set([
  'stylesheet',
  'alternate',
  'icon',
  'shortcut',
  'apple-touch-icon',
  'apple-touch-icon-precomposed',
  'mask-icon',
  'canonical',
  'author',
  'license',
  'help',
  'next',
  'prev',
  'bookmark',
  'tag',
  'nofollow',
  'noopener',
  'noreferrer',
  'me',
]);
/** URL attributes that navigate (when followed) rather than load: an unsafe one becomes BLOCKED_URL. */
const NAVIGATES = new Set(['a href', 'area href', 'form action', 'button formaction', 'input formaction']);
/** What `rel` becomes when no token is left: names why, loads nothing. */
export const BLOCKED_REL = 'x-cobrowse-blocked';
/** SVG animation elements: they can animate `href` to a `javascript:` URL or set `on*` attributes. */
const SVG_ANIMATIONS = new Set(['animate', 'set', 'animatemotion', 'animatetransform', 'animatecolor']);

/** True when a URL would run script or load an active document. */
export function unsafeUrl(value: string): boolean {
  // browsers strip ASCII whitespace and control characters inside the scheme ("java\tscript:")
  // eslint-disable-next-line no-control-regex
  const v = value.replace(/[\u0000-\u0020\u007f-\u00a0]+/g, '').toLowerCase();
  if (/^(javascript|vbscript|livescript|mocha):/.test(v)) return true;
  if (v.startsWith('data:')) {
    // images, fonts, media and CSS are passive; anything else (text/html, svg as a document,
    // xml, application/*) is not allowed as a URL
    return !/^data:(image\/(png|jpeg|jpg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon|svg\+xml)|font\/|audio\/|video\/|text\/css|application\/(font|x-font))/.test(
      v,
    );
  }
  return false;
}

function unsafeList(value: string, sep: RegExp): boolean {
  return value.split(sep).some((part) => unsafeUrl(part.trim().split(/\s+/)[0] ?? ''));
}

/**
 * The value to set for attribute `name` on element `local` (lowercase local name; `ns` its namespace),
 * or null to drop it. Names arrive as the sharer wrote them (`xlink:href`, `onClick`...).
 */
export function safeAttr(ns: string | null, local: string, name: string, value: string): string | null {
  const n = name.toLowerCase();
  const bare = n.includes(':') ? n.slice(n.indexOf(':') + 1) : n;
  if (n.startsWith(MARKER)) return null; // the mirror's own markers are not the sharer's to set
  if (bare.startsWith('on')) return null; // event handler content attributes, any case, any namespace
  if (DROP_ALWAYS.has(bare)) return null;
  const isHtmlOrSvg = ns === HTML_NS || ns === SVG_NS;
  if (isHtmlOrSvg && DROP_ON[local]?.has(n)) return null;
  // Chromium follows an SVG <a> even when the click is cancelled (the HTML <a> respects the guards in
  // mirror.ts), which would navigate the mirror away: SVG links lose their href
  if (ns === SVG_NS && local === 'a' && bare === 'href') return null;
  if (local === 'link' && n === 'rel') return safeRel(value);
  // <meta name=referrer> would set the mirror document's referrer policy: without a name it is inert
  if (local === 'meta' && n === 'name' && value.trim().toLowerCase() === 'referrer') return null;
  if (SVG_ANIMATIONS.has(local) && n === 'attributename') {
    const a = value.trim().toLowerCase();
    const target = a.includes(':') ? a.slice(a.indexOf(':') + 1) : a;
    if (target.startsWith('on') || target === 'href' || target === 'src') return null;
  }
  if (URL_ATTRS.has(n) || URL_ATTRS.has(bare)) {
    if (bare === 'srcset' || bare === 'imagesrcset') return unsafeList(value, /,/) ? null : value;
    if (bare === 'values') return unsafeList(value, /;/) ? null : value;
    if (bare === 'ping') return unsafeList(value, /\s+/) ? null : value;
    // a link or a form keeps a harmless target (it stays a link, styled as one); an attribute that
    // LOADS something (link href, src, poster, data...) is dropped: about:blank there would still be
    // fetched, and refused by the mirror's policy with a console error on every page the agent views
    if (unsafeUrl(value)) return NAVIGATES.has(`${local} ${bare}`) ? BLOCKED_URL : null;
  }
  // CSS can carry javascript: URLs only in ancient engines, but never let them through either
  if (n === 'style' && /javascript:|expression\s*\(/i.test(value)) return value.replace(/javascript:|expression\s*\(/gi, 'blocked(');
  return value;
}

/** A `<link rel>` value with only the allowed tokens (any case, any whitespace), or BLOCKED_REL. */
export function safeRel(value: string): string {
  const tokens = value.split(/[\t\n\f\r ]+/).filter(Boolean);
  const kept = tokens.filter((t) => SAFE_REL.has(t.toLowerCase()));
  if (kept.length === tokens.length) return value; // nothing to drop: the page's own spelling
  return kept.length ? kept.join(' ') : BLOCKED_REL;
}

/** Attributes the sharer may not remove (the mirror set them for safety). */
export function protectedAttr(local: string, name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith(MARKER) || (local === 'script' && n === 'type');
}

/** True for `<script>` in HTML or SVG: created with INERT_SCRIPT_TYPE before anything else. */
export function isScript(ns: string | null, local: string): boolean {
  return local === 'script' && (ns === HTML_NS || ns === SVG_NS);
}

/** Text of a `data:` image for CANVAS: only raster images, base64. */
export function safeCanvasImage(url: string): boolean {
  return /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=\s]*$/.test(url);
}

/** Keeps a doctype's ids inside the quotes of `<!DOCTYPE name PUBLIC "..." "...">`. */
export function doctypeSource(name: string, publicId: string, systemId: string): string {
  const clean = (s: string) => s.replace(/["'<>]/g, '');
  const nm = clean(name).replace(/\s/g, '') || 'html';
  if (publicId) return `<!DOCTYPE ${nm} PUBLIC "${clean(publicId)}"${systemId ? ` "${clean(systemId)}"` : ''}>`;
  if (systemId) return `<!DOCTYPE ${nm} SYSTEM "${clean(systemId)}">`;
  return `<!DOCTYPE ${nm}>`;
}
