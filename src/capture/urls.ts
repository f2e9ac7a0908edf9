// Relative URLs resolved on the sharer, so the viewer (on another origin) loads the same resources.
import { baseURI } from './dom.js';

const CSS_URL = /url\(\s*(['"]?)([^'")]*)\1\s*\)/gi;
const SRCSET_ITEM = /(\s*)(\S+)(\s*[^,]*)(,|$)/g;

/** An absolute URL; the input when it cannot be parsed or is already absolute-ish (data:, blob:, #). */
export function absoluteUrl(url: string, base: string): string {
  const trimmed = url.trim();
  if (!trimmed || trimmed[0] === '#' || /^(data|blob|about|mailto|tel|javascript):/i.test(trimmed)) return url;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return url;
  }
}

/** Every `url(...)` in CSS text made absolute against `base` (a sheet's href or the document's base). */
export function absoluteCssUrls(css: string, base: string): string {
  if (css.indexOf('url(') === -1 && css.indexOf('URL(') === -1) return css;
  return css.replace(CSS_URL, (match, quote: string, url: string) => {
    const abs = absoluteUrl(url, base);
    return abs === url ? match : `url(${quote}${abs}${quote})`;
  });
}

/** Each candidate URL of a `srcset` made absolute. */
export function absoluteSrcset(srcset: string, base: string): string {
  return srcset.replace(
    SRCSET_ITEM,
    (_m, lead: string, url: string, descriptor: string, comma: string) => `${lead}${absoluteUrl(url, base)}${descriptor}${comma}`,
  );
}

/** Attributes whose value is one URL, by element (lower-case local names). */
const URL_ATTRS: Record<string, readonly string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src'],
  source: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  iframe: ['src'],
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

/**
 * The attribute value the viewer gets: URLs made absolute, `style` url()s too. `name` is the
 * qualified attribute name as written, `tag` the element's lower-case local name.
 */
export function resolveAttribute(tag: string, name: string, value: string, base: string): string {
  if (name === 'style') return absoluteCssUrls(value, base);
  if (name === 'srcset' || name === 'imagesrcset') return absoluteSrcset(value, base);
  const attrs = URL_ATTRS[tag];
  if (attrs && attrs.includes(name)) return absoluteUrl(value, base);
  return value;
}

/** A document's base URL, read once per document while one pass runs (`baseURI` is not free). */
export class BaseUrls {
  #doc: Document | null = null;
  #base = '';

  of(doc: Document): string {
    if (doc !== this.#doc) {
      this.#doc = doc;
      this.#base = baseURI(doc);
    }
    return this.#base;
  }

  /** Forgets the base read (the next pass reads it again: a `<base>` may have changed). */
  clear(): void {
    this.#doc = null;
    this.#base = '';
  }
}
