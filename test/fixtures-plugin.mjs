// Serves test pages that need real HTTP headers, e.g. a page whose bytes are Shift_JIS with
// `Content-Type: text/html; charset=Shift_JIS`. Files live in test/fixtures/; `*.sjis.html` files are
// stored as Shift_JIS bytes. A koa middleware (not a dev-server plugin) sends them as they are: the
// dev server's HTML transforms expect text and would corrupt the bytes.
import { readFileSync } from 'node:fs';

export function shiftJisMiddleware() {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/test/fixtures/') && ctx.path.endsWith('.sjis.html') && !ctx.path.includes('..')) {
      ctx.body = readFileSync(new URL(`..${ctx.path}`, import.meta.url));
      ctx.set('Content-Type', 'text/html; charset=Shift_JIS');
      return;
    }
    return next();
  };
}

/**
 * A page served in a legacy encoding that loads one of our bundles the way many servers and CDNs send
 * scripts: `application/javascript` with no charset, so the browser decodes the script with the
 * page's encoding. `/test/fixtures/charset/<encoding>/<bundle>` (a dist/ file name) is the page,
 * `/test/no-charset/<encoding>/<bundle>` the script (a URL per
 * encoding: the browser's memory cache would otherwise hand one page the script as decoded for another). Both are ASCII: only the script's own bytes are at stake.
 */
export function charsetMiddleware() {
  const encodings = new Set(['shift_jis', 'windows-1252']);
  const bundle = /^[a-z-]+\.iife\.js$/;
  return async (ctx, next) => {
    const page = /^\/test\/fixtures\/charset\/([a-z0-9_-]+)\/([^/]+)$/.exec(ctx.path);
    if (page && encodings.has(page[1]) && bundle.test(page[2])) {
      ctx.set('Content-Type', `text/html; charset=${page[1]}`);
      ctx.body = `<!doctype html><html><head><title>${page[1]}</title><script src="/test/no-charset/${page[1]}/${page[2]}"></script></head><body></body></html>`;
      return;
    }
    const script = /^\/test\/no-charset\/([a-z0-9_-]+)\/([^/]+)$/.exec(ctx.path);
    if (script && encodings.has(script[1]) && bundle.test(script[2])) {
      ctx.set('Content-Type', 'application/javascript');
      ctx.body = readFileSync(new URL(`../dist/${script[2]}`, import.meta.url));
      return;
    }
    return next();
  };
}
