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
