// Serves test pages that need real HTTP headers, e.g. a page whose bytes are Shift_JIS with
// `Content-Type: text/html; charset=Shift_JIS`. Files live in test/fixtures/; `*.sjis.html` files are
// stored as Shift_JIS bytes and served with that charset.
import { readFileSync } from 'node:fs';

export function fixturesPlugin() {
  return {
    name: 'cobrowse-fixtures',
    serve(context) {
      if (context.path.startsWith('/test/fixtures/') && context.path.endsWith('.sjis.html')) {
        const body = readFileSync(new URL(`..${context.path}`, import.meta.url));
        return { body, type: 'text/html; charset=Shift_JIS' };
      }
    },
  };
}
