// The mirror's own policy never has to refuse what the mirror itself wrote (issue 17: every page the
// agent viewed (each snapshot) logged a CSP violation for `about:blank#cobrowse-blocked`, the rewrite of
// `<link rel=icon href="data:,">`). An unsafe URL on an attribute that LOADS something is dropped;
// one that navigates (a link, a form) keeps a harmless target. Counted over several snapshots.
import { afterEach, assertEqual, describe, it } from './helpers/assert.js';
import { cleanup, createSharer, startSession, waitFor } from './helpers/harness.js';

afterEach(cleanup);

const PAGE = (n: number) => `<!doctype html><html><head><title>page ${n}</title>
  <link rel="icon" href="data:,"><link rel="stylesheet" href="javascript:alert(1)"></head><body>
  <h1 id="h">page ${n}</h1>
  <img id="img" src="data:text/html,<b>x</b>" alt="">
  <video id="video" poster="javascript:alert(1)"></video>
  <a id="a" href="javascript:alert(1)">a link</a>
  <form id="form" action="javascript:alert(1)"><button id="b" formaction="javascript:alert(2)">go</button></form>
</body></html>`;

describe('mirror: no policy violation of its own making', () => {
  it('unsafe loading URLs are dropped, navigating ones blocked; 0 violations over 4 snapshots', async () => {
    const sharer = await createSharer({ html: PAGE(0) });
    const s = await startSession(sharer);
    const violations: string[] = [];
    const watch = () => s.mirror.document!.addEventListener('securitypolicyviolation', (e) => violations.push(e.blockedURI));
    watch();
    for (let n = 1; n <= 4; n++) {
      // what a page change gives the mirror: a new snapshot, a new mirror document
      sharer.doc.getElementById('h')!.textContent = `page ${n}`;
      s.handle.resync();
      await waitFor(() => s.mirror.document?.getElementById('h')?.textContent === `page ${n}`, 4000, `page ${n} in the mirror`);
      watch();
      await new Promise((r) => setTimeout(r, 150)); // loads and their policy checks are asynchronous
    }
    const doc = s.mirror.document!;
    assertEqual(violations, [], 'violations in the mirror');
    assertEqual(doc.querySelector('link[rel=icon]')?.getAttribute('href'), null, 'the icon loads nothing');
    assertEqual(doc.querySelector('link[rel=stylesheet]')?.getAttribute('href'), null);
    assertEqual(doc.getElementById('img')?.getAttribute('src'), null);
    assertEqual(doc.getElementById('video')?.getAttribute('poster'), null);
    assertEqual(doc.getElementById('a')?.getAttribute('href'), 'about:blank#cobrowse-blocked', 'a link stays a link, going nowhere');
    assertEqual(doc.getElementById('form')?.getAttribute('action'), 'about:blank#cobrowse-blocked');
    assertEqual(doc.getElementById('b')?.getAttribute('formaction'), 'about:blank#cobrowse-blocked');
  });
});
