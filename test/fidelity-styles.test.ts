// Stylesheets: <style> text, <link> (absolute URLs), CSSOM changes that never touch the DOM, CSS-in-JS,
// adoptedStyleSheets on documents and shadow roots (Lit-like sharing), sheets adopted before the shadow
// root was captured, and :hover / :focus appearance.
import { viewerSideSkipIn } from './helpers/engine.js';
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { resetMouse, sendMouse } from './helpers/commands.js';
import { cleanup, createSharer, mirrorOf, startSession, topPoint, waitLinkSheet, waitMirrorLinks } from './helpers/harness.js';

afterEach(async () => {
  cleanup();
  await resetMouse().catch(() => undefined);
});

const PAGE = `<!DOCTYPE html><html><head>
<style id="st">.a { color: rgb(10, 10, 10); } @media (min-width: 1px) { .m { color: rgb(0, 128, 0); } }</style>
<style id="cssinjs"></style>
</head><body><p class="a" id="pa">a</p><p class="m">m</p><p class="css-1" id="c1">css-in-js</p><div id="hosts"></div></body></html>`;

describe('fidelity: styles', () => {
  it('<style> text and its changes', async () => {
    const sharer = await createSharer({ html: PAGE });
    const s = await startSession(sharer);
    const st = sharer.doc.getElementById('st')!;
    st.textContent += ' .b { color: rgb(1, 1, 1); }';
    st.appendChild(sharer.doc.createTextNode('.a { font-size: 21px; }'));
    sharer.doc.head.appendChild(sharer.doc.createElement('style')).textContent = 'body { margin: 3px; background: url(img/body.png); }';
    await s.expectSame('<style> text');
  });

  it('<link rel=stylesheet>: absolute URL in the mirror, in the snapshot and added later', async function () {
    await viewerSideSkipIn(
      this,
      'WebKit',
      "in full three-engine runs only, WebKitGTK's mirror lays the page's two broken <img> (404) out at 0 px where the sharer shows their 20 px alt box, after waiting (up to 10 s) for every mirror image to report complete; alone or with the files before it, it passes (undiagnosed)",
    );
    const sharer = await createSharer({ url: '/test/fixtures/page.html' });
    await waitLinkSheet(sharer.doc);
    const s = await startSession(sharer);
    await waitMirrorLinks(s);
    await s.expectSame('link in snapshot');
    const mlink = s.mirror.document!.querySelector('link[rel=stylesheet]')!;
    assertEqual(mlink.getAttribute('href'), new URL('/test/fixtures/styles.css', location.href).href, 'absolute href');
    const link = sharer.doc.createElement('link');
    link.rel = 'stylesheet';
    link.href = 'styles.css?second';
    sharer.doc.head.appendChild(link);
    await waitLinkSheet(sharer.doc);
    await waitMirrorLinks(s);
    await s.expectSame('link added later');
  });

  it('CSSOM insertRule / deleteRule / replaceSync without DOM changes', async () => {
    const sharer = await createSharer({ html: PAGE });
    const s = await startSession(sharer);
    const sheet = (sharer.doc.getElementById('st') as HTMLStyleElement).sheet!;
    sheet.insertRule('.ins { color: rgb(3, 3, 3); }', 1);
    sheet.insertRule('#pa { text-decoration: underline; }', sheet.cssRules.length);
    await s.expectSame('insertRule');
    sheet.deleteRule(0);
    await s.expectSame('deleteRule');
    (sheet.cssRules[sheet.cssRules.length - 2] as CSSMediaRule).insertRule('.m2 { color: rgb(5, 5, 5); }', 0);
    await s.expectSame('insertRule inside @media');
    (sheet.cssRules[0] as CSSStyleRule).style.color = 'rgb(99, 99, 99)';
    await s.expectSame('rule.style changed through CSSOM');
    const cs = new sharer.win.CSSStyleSheet();
    cs.replaceSync('.a { border: 2px solid rgb(1, 2, 3); }');
    sharer.doc.adoptedStyleSheets = [cs];
    await s.expectSame('adopted');
    cs.replaceSync('.a { border: 4px dotted rgb(3, 2, 1); }');
    await s.expectSame('replaceSync on an adopted sheet');
    await cs.replace('.a { outline: 1px solid red; }');
    await s.expectSame('replace() on an adopted sheet');
  });

  it('CSS-in-JS: empty <style> filled with insertRule before and after the start', async () => {
    const sharer = await createSharer({ html: PAGE });
    const sheet = (sharer.doc.getElementById('cssinjs') as HTMLStyleElement).sheet!;
    sheet.insertRule('.css-1 { color: rgb(123, 0, 0); }', 0);
    const s = await startSession(sharer);
    await s.expectSame('CSS-in-JS rules made before the start');
    sheet.insertRule('.css-2 { color: rgb(0, 123, 0); }', 1);
    sharer.doc.getElementById('c1')!.className = 'css-2';
    await s.expectSame('CSS-in-JS rule added after the start');
    const mp = s.mirror.document!.getElementById('c1')!;
    assertEqual(getComputedStyle(mp).color, 'rgb(0, 123, 0)', 'rule applied in the mirror');
  });

  it('adoptedStyleSheets: Lit-like sheet shared by several shadow roots, before and after the start', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { doc, win } = sharer;
    const shared = new win.CSSStyleSheet();
    shared.replaceSync(':host { display: block; } b { color: rgb(0, 0, 200); }');
    const hosts = doc.getElementById('hosts')!;
    const make = () => {
      const h = hosts.appendChild(doc.createElement('div'));
      const r = h.attachShadow({ mode: 'open' });
      r.adoptedStyleSheets = [shared];
      r.innerHTML = '<b>lit</b>';
      return r;
    };
    make();
    make();
    const s = await startSession(sharer);
    await s.expectSame('shared sheet before the start');
    make();
    shared.insertRule('i { color: rgb(200, 0, 0); }', 0);
    await s.expectSame('third root + rule added to the shared sheet');
    const mroots = Array.from(s.mirror.document!.getElementById('hosts')!.children).map((h) => h.shadowRoot!);
    assert(
      mroots.length === 3 && mroots.every((r) => r.adoptedStyleSheets[0] === mroots[0].adoptedStyleSheets[0]),
      'one sheet shared in the mirror',
    );
  });

  it('a sheet adopted before its shadow root was captured (host detached, sheet never seen)', async () => {
    const sharer = await createSharer({ html: PAGE });
    const s = await startSession(sharer);
    const { doc, win } = sharer;
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync('p { color: rgb(7, 77, 7); }');
    sheet.insertRule('p { font-size: 19px; }', 1);
    const host = doc.createElement('section');
    const root = host.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [sheet];
    root.innerHTML = '<p>adopted before capture saw it</p>';
    await Promise.resolve();
    doc.body.appendChild(host);
    await s.expectSame('adopted before captured');
    const mp = s.mirror.document!.querySelector('section')!.shadowRoot!.querySelector('p')!;
    assertEqual(getComputedStyle(mp).color, 'rgb(7, 77, 7)');
  });

  it(':hover appearance follows the sharer (real mouse)', async () => {
    const sharer = await createSharer({
      html: '<!DOCTYPE html><style>#t { width: 100px; height: 40px; color: rgb(0, 0, 0); } #t:hover { color: rgb(255, 0, 0); } .p:hover .c { background-color: rgb(0, 255, 0); }</style><div id="t" class="p">hover me <span class="c">child</span></div><div id="away" style="height:40px">away</div>',
    });
    const s = await startSession(sharer);
    const t = sharer.doc.getElementById('t')!;
    const [x, y] = topPoint(sharer, t);
    await sendMouse({ type: 'move', position: [x, y] });
    await s.settle();
    assertEqual(sharer.win.getComputedStyle(t).color, 'rgb(255, 0, 0)', 'the sharer is hovered');
    const mt = mirrorOf(s, t)!;
    assertEqual(getComputedStyle(mt).color, 'rgb(255, 0, 0)', 'mirror shows :hover');
    assertEqual(getComputedStyle(mirrorOf(s, t.querySelector('.c')!)!).backgroundColor, 'rgb(0, 255, 0)', 'mirror shows .p:hover .c');
    await s.expectSame('hovered');
    const [ax, ay] = topPoint(sharer, sharer.doc.getElementById('away')!);
    await sendMouse({ type: 'move', position: [ax, ay] });
    await s.settle();
    assertEqual(getComputedStyle(mt).color, 'rgb(0, 0, 0)', 'mirror leaves :hover');
    await s.expectSame('not hovered');
  });

  it(':focus appearance follows the sharer', async () => {
    const sharer = await createSharer({
      html: '<!DOCTYPE html><style>input:focus { background-color: rgb(255, 255, 0); } form:focus-within { color: rgb(1, 2, 3); }</style><form><input id="i"></form>',
    });
    const s = await startSession(sharer);
    const i = sharer.doc.getElementById('i')!;
    i.focus();
    await s.settle();
    assertEqual(sharer.win.getComputedStyle(i).backgroundColor, 'rgb(255, 255, 0)', 'sharer focused');
    assertEqual(getComputedStyle(mirrorOf(s, i)!).backgroundColor, 'rgb(255, 255, 0)', 'mirror :focus');
    assertEqual(getComputedStyle(mirrorOf(s, i)!.parentElement!).color, 'rgb(1, 2, 3)', 'mirror :focus-within');
  });
});
