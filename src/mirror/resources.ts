// Which addresses the mirror may load from. The sanitiser (sanitize.ts) stops everything active; what
// is left are passive loads — images, stylesheets, fonts, media — and a stranger's page can point those
// anywhere: `<img src="https://tracker.example/?agent">` would tell that server the agent's address and
// when the agent looked. So every mirror document carries a Content-Security-Policy that lets it load
// only from the origins the viewer allows. The browser enforces it for every way a page can name a URL
// (attributes, CSS `url()` and `image-set()`, `@font-face`, `@import`, SVG references), which a
// rewrite of the markup could never promise.

/** The keyword for "the origin of the sharer's page", as its first snapshot names it. */
export const PAGE_ORIGIN = 'page';

/** One allowed source: an origin (`https://cdn.example.com`, `https://*.example.com`, `http://localhost:8080`), `'page'` or `'*'`. */
const SOURCE = /^(https?):\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i;

/**
 * Checks a viewer's `resourceOrigins` option. Throws a TypeError naming the first bad entry, at
 * construction time, so a typo shows up when the agent console starts rather than as missing images.
 */
export function checkResourceOrigins(origins: readonly string[]): readonly string[] {
  for (const o of origins) {
    if (o === PAGE_ORIGIN || o === '*') continue;
    if (typeof o !== 'string' || !SOURCE.test(o)) {
      throw new TypeError(`resourceOrigins: "${String(o)}" is not an origin (scheme://host[:port]), "page" or "*"`);
    }
  }
  return origins;
}

/** The origin of an http(s) URL, or '' (about:blank, data:, a malformed URL). */
export function httpOrigin(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : '';
  } catch {
    return '';
  }
}

/**
 * The policy for a mirror document. Nothing may run, connect, navigate, submit or embed; images,
 * styles, fonts and media come from the allowed origins (and `data:`/`blob:`, which reach no network).
 * Inline styles stay allowed: the page's `<style>` elements and `style` attributes are its look.
 *
 * `consoleOrigin` is the viewer's own origin. The mirror document shares it (the sandbox keeps
 * `allow-same-origin`), so a load from it carries the agent's cookies: a page that names the console's
 * origin as its own (META is the sharer's word) would make the agent's browser send authenticated
 * GETs to the console's backend. `'page'` therefore never resolves to it; listing it explicitly (or
 * `'*'`) is the console's own, documented choice.
 */
export function resourcePolicy(origins: readonly string[], pageOrigin: string, consoleOrigin = ''): string {
  const sources = new Set<string>();
  for (const o of origins) {
    if (o === PAGE_ORIGIN) {
      if (pageOrigin && pageOrigin !== consoleOrigin) sources.add(pageOrigin);
    } else sources.add(o);
  }
  const from = [...sources].join(' ');
  const passive = (extra: string) => `${from} ${extra}`.trim();
  return [
    "default-src 'none'",
    "script-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "connect-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    `img-src ${passive('data: blob:')}`,
    `media-src ${passive('data: blob:')}`,
    `font-src ${passive('data:')}`,
    `style-src ${passive("'unsafe-inline'")}`,
  ].join('; ');
}

/**
 * `<meta>` markup carrying the policy, written by the parser ahead of anything else in the document,
 * and the referrer policy: the mirror document has the console's URL, and without `no-referrer`
 * every image it loads would tell the customer's servers where the agent works. Both stay with the
 * document after the `<meta>` elements are removed; the sanitiser drops the page's own attempts to
 * change the referrer policy (sanitize.ts).
 */
export function policyMarkup(policy: string): string {
  const csp = policy.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="referrer" content="no-referrer">`;
}
