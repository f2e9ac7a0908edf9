// The viewer runs a stranger's page: nothing in it may run script, load active content, navigate or
// submit. Every vector tries to set `__pwned` on the viewer's window and to fetch a marked URL.
import { Mirror } from '../src/mirror/index.js';
import { OpCode } from '../src/protocol/constants.js';
import { watchNetwork } from './helpers/commands.js';
import { needsNetworkLog, viewerSideSkipIn } from './helpers/engine.js';
import { describe, equal, it, ok, sleep } from './helpers/mirror-assert.js';
import { Sharer, h, mount, page, svg, t, tree } from './helpers/mirror-frames.js';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const JS = "javascript:top.__pwned=1;parent.__pwned=1;fetch('/__pwned_fetch')";
const CODE = "top.__pwned=1;parent.__pwned=1;fetch('/__pwned_fetch')";

function fetched(w: Window): boolean {
  return w.performance.getEntriesByType('resource').some((e) => e.name.includes('__pwned'));
}

/** A page with every script, navigation and submit vector we know of, as one snapshot. */
function hostilePage(s: Sharer): Uint8Array {
  return s.snapshot(
    page(
      [
        h(5, 'script', {}, [t(6, CODE)]),
        h(7, 'script', { src: '/__pwned_script.js', type: 'module' }),
        h(8, 'img', { src: 'data:image/png;base64,AAAA', onerror: CODE, OnLoad: CODE }),
        svg(9, 'svg', { onload: CODE }, [
          svg(10, 'script', { href: '/__pwned_svg.js' }, [t(11, CODE)]),
          svg(12, 'a', { 'xlink:href': JS }, [
            svg(13, 'animate', { attributeName: 'href', to: JS, begin: '0s' }),
            svg(14, 'text', {}, ['x']),
          ]),
          svg(15, 'set', { attributeName: 'onmouseover', to: CODE }),
        ]),
        h(16, 'a', { href: JS, target: '_top' }, ['link']),
        h(17, 'iframe', { srcdoc: `<script>${CODE}</script>`, src: JS }),
        h(18, 'form', { action: JS, target: '_top' }, [h(19, 'input', { name: 'q' }), h(20, 'button', { formaction: JS }, ['go'])]),
        h(21, 'object', { data: `data:text/html,<script>${CODE}</script>` }),
        h(22, 'embed', { src: `data:text/html,<script>${CODE}</script>` }),
        h(23, 'a', { href: '  JaVa\tScRiPt:top.__pwned=1' }, ['tricky']),
        h(24, 'img', { srcset: `${JS} 1x, /ok.png 2x` }),
        h(25, 'div', { onclick: CODE, 'xlink:onclick': CODE }, ['div']),
      ],
      [
        h(30, 'meta', { 'http-equiv': 'refresh', content: `0;url=${JS}` }),
        h(31, 'base', { href: 'https://evil.example/', target: '_top' }),
        h(32, 'link', { rel: 'import', href: '/__pwned_import.html' }),
      ],
    ),
  );
}

describe('mirror: safety', () => {
  it('runs no script from any vector, and keeps the sandbox exact', async () => {
    const c = mount();
    const m = new Mirror(c);
    const s = new Sharer();
    window.__pwned = undefined;
    m.apply(hostilePage(s));
    const d = m.document!;
    const before = d;
    // deltas that try to re-arm things
    m.apply(
      s.delta(
        { op: OpCode.Attr, id: 25, name: 'onmouseover', value: CODE },
        { op: OpCode.Attr, id: 16, name: 'href', value: JS },
        { op: OpCode.Attr, id: 7, name: 'type', value: 'text/javascript' },
        { op: OpCode.AttrDel, id: 7, name: 'type' },
        { op: OpCode.Attr, id: 17, name: 'srcdoc', value: `<script>${CODE}</script>` },
        { op: OpCode.Attr, id: 25, name: 'data-cobrowse-mirror-hover', value: '' },
        tree(4, 0, h(40, 'script', {}, [t(41, CODE)])),
        { op: OpCode.Text, id: 6, data: CODE + ';1' },
      ),
    );
    await sleep(400);
    equal(window.__pwned, undefined, 'no script ran');
    equal((m.iframe.contentWindow as Window & { __pwned?: unknown }).__pwned, undefined);
    ok(!fetched(window) && !fetched(m.iframe.contentWindow!), 'nothing fetched');
    equal(m.iframe.getAttribute('sandbox'), 'allow-same-origin');
    equal(m.iframe.contentDocument, before, 'the mirror document stays');
    // the markup is defused
    for (const id of [5, 7, 40]) equal((m.node(id) as Element).getAttribute('type'), 'text/x-cobrowse-inert');
    equal((m.node(7) as Element).hasAttribute('src'), false);
    equal((m.node(10) as Element).hasAttribute('href'), false);
    equal(d.querySelectorAll('[onerror],[onload],[onclick],[onmouseover],[OnLoad]').length, 0);
    ok(!(m.node(9) as Element).hasAttribute('onload'));
    ok(!(m.node(25) as Element).hasAttribute('xlink:onclick'));
    ok(!(m.node(25) as Element).hasAttribute('data-cobrowse-mirror-hover'), "markers are the mirror's only");
    ok(!/javascript/i.test((m.node(16) as Element).getAttribute('href')!));
    ok(!/javascript/i.test((m.node(23) as Element).getAttribute('href')!));
    ok(!(m.node(12) as Element).hasAttribute('xlink:href'), 'SVG links cannot navigate');
    ok(!(m.node(13) as Element).hasAttribute('attributeName') || !/javascript/i.test((m.node(13) as Element).getAttribute('to') ?? ''));
    ok(!(m.node(15) as Element).hasAttribute('attributeName'));
    ok(!(m.node(16) as Element).hasAttribute('target'));
    ok(!(m.node(17) as Element).hasAttribute('srcdoc') && !(m.node(17) as Element).hasAttribute('src'));
    ok(!/javascript/i.test((m.node(18) as Element).getAttribute('action')!));
    ok(!(m.node(21) as Element).hasAttribute('data'));
    ok(!(m.node(22) as Element).hasAttribute('src'));
    ok(!(m.node(24) as Element).hasAttribute('srcset'));
    ok(!(m.node(30) as Element).hasAttribute('http-equiv'));
    ok(!(m.node(31) as Element).hasAttribute('href') && !(m.node(31) as Element).hasAttribute('target'));
    ok(!d.baseURI.startsWith('https://evil.example'));
    ok(!/\bimport\b/.test((m.node(32) as Element).getAttribute('rel')!));
    m.destroy();
    c.remove();
  });

  it('activating its links, buttons, forms and handlers runs no script and neither navigates nor submits the mirror', async function () {
    await viewerSideSkipIn(
      this,
      'WebKit',
      "WebKitGTK runs no event listener in a document whose sandbox forbids scripts, not even the viewer's own added from outside, so the mirror's click/submit guards never run there and a link's activation navigates the mirror iframe (to the defused about:blank#cobrowse-blocked here); scripts stay blocked (the test above)",
    );
    const c = mount();
    const m = new Mirror(c);
    const s = new Sharer();
    window.__pwned = undefined;
    m.apply(hostilePage(s));
    const before = m.document!;
    const activate = () => {
      (m.node(16) as HTMLAnchorElement).click();
      (m.node(23) as HTMLAnchorElement).click();
      (m.node(20) as HTMLButtonElement).click();
      (m.node(18) as HTMLFormElement).requestSubmit();
      (m.node(25) as HTMLElement).click();
      (m.node(12) as Element).dispatchEvent(new MouseEvent('click', { bubbles: true }));
    };
    activate();
    // deltas that try to re-arm the link and the handler, then everything again
    m.apply(
      s.delta(
        { op: OpCode.Attr, id: 25, name: 'onclick', value: CODE },
        { op: OpCode.Attr, id: 16, name: 'href', value: JS },
        { op: OpCode.Attr, id: 16, name: 'target', value: '_top' },
      ),
    );
    activate();
    await sleep(400);
    equal(window.__pwned, undefined, 'no script ran');
    equal((m.iframe.contentWindow as Window & { __pwned?: unknown }).__pwned, undefined);
    ok(!fetched(window) && !fetched(m.iframe.contentWindow!), 'nothing fetched');
    equal(m.iframe.contentDocument, before, 'the mirror was not navigated');
    m.destroy();
    c.remove();
  });

  it('is not fooled by DOM clobbering', () => {
    const c = mount();
    const m = new Mirror(c);
    const s = new Sharer();
    m.apply(
      s.snapshot(
        page([
          h(5, 'form', { name: 'forms' }, [
            h(6, 'input', { name: 'insertBefore' }),
            h(7, 'input', { name: 'removeChild' }),
            h(8, 'input', { name: 'parentNode' }),
            h(9, 'input', { name: 'firstChild' }),
            h(10, 'input', { name: 'attributes' }),
            h(11, 'input', { name: 'setAttribute' }),
          ]),
          h(12, 'img', { name: 'documentElement' }),
          h(13, 'img', { name: 'defaultView' }),
          h(14, 'img', { name: 'open' }),
          h(15, 'img', { name: 'write' }),
          h(16, 'img', { name: 'createElementNS' }),
          h(17, 'img', { name: 'addEventListener' }),
          h(18, 'img', { name: 'implementation' }),
          h(19, 'img', { name: 'getSelection' }),
        ]),
      ),
    );
    m.apply(
      s.delta(
        tree(5, 7, h(20, 'input', { name: 'x' })),
        { op: OpCode.Remove, id: 6 },
        { op: OpCode.Attr, id: 5, name: 'class', value: 'f' },
        { op: OpCode.Scroll, id: 1, x: 0, y: 0 },
        { op: OpCode.Selection, anchor: 5, anchorOffset: 0, focus: 5, focusOffset: 1 },
        { op: OpCode.Hover, id: 9 },
      ),
    );
    const names = [...(m.node(5) as Element).children].map((e) => e.getAttribute('name'));
    equal(names.join(','), 'x,removeChild,parentNode,firstChild,attributes,setAttribute');
    equal((m.node(5) as Element).getAttribute('class'), 'f');
    ok(!m.needsSnapshot);
    s.seq = 10;
    m.apply(s.snapshot(page([h(5, 'p', {}, ['again'])])));
    equal(m.document!.body.textContent, 'again');
    m.destroy();
    c.remove();
  });
  it("loads images, styles and fonts only from the allowed origins (the page's by default, never the console's own)", async function () {
    await needsNetworkLog(this);
    // 127.0.0.2:1 refuses connections; the network layer still sees each attempt, and an attempt is
    // what a hostile page wants (the agent's address, the moment the agent looked). Resource Timing
    // cannot be the detector: it lists loads the policy blocked, too.
    const foreign = 'http://127.0.0.2:1/__res';
    // the same test server under its other name: another origin than this page (the "console")
    const site = `${location.protocol}//${location.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${location.port}`;
    const sheet = `/test/fixtures/styles.css?allowed-${Math.random()}`;
    const body = (origin: string) => [
      h(5, 'img', { src: `${foreign}/img.png` }),
      h(6, 'div', { style: `width:9px;height:9px;background:url(${foreign}/bg.png)` }),
      h(7, 'style', {}, [t(8, `@import url(${foreign}/imp.css); @font-face{font-family:ff;src:url(${foreign}/f.woff)} p{font-family:ff}`)]),
      h(9, 'p', {}, ['text']),
      h(10, 'link', { rel: 'stylesheet', href: `${origin}${sheet}` }),
      h(11, 'link', { rel: 'preconnect', href: foreign }),
    ];
    const run = async (options: ConstructorParameters<typeof Mirror>[1], url: string, origin = new URL(url).origin) => {
      const c = mount();
      const m = new Mirror(c, options);
      const network = await watchNetwork();
      m.apply(new Sharer().snapshot({ op: OpCode.Meta, url }, page(body(origin))));
      await sleep(600);
      const names = (await network()).requests.filter((r) => !r.blocked).map((r) => r.url);
      m.destroy();
      c.remove();
      return { own: names.filter((n) => n.includes(sheet)).length, foreign: names.filter((n) => n.startsWith(foreign)).length };
    };
    const byDefault = await run(undefined, `${site}/shop/cart.html`);
    equal(byDefault.own, 1, "the page's own stylesheet loads");
    equal(byDefault.foreign, 0, 'requests to another origin');
    // a page that says it is on the console's origin gets nothing from there: the loads would carry
    // the agent's cookies
    const claimsConsole = await run(undefined, `${location.origin}/shop/cart.html`);
    equal(claimsConsole.own, 0, "loads from the console's own origin through 'page'");
    // ...unless the console lists its origin itself (the test harness does)
    const listedOwn = await run({ resourceOrigins: ['page', location.origin] }, `${location.origin}/shop/cart.html`);
    equal(listedOwn.own, 1, "the console's origin, listed explicitly, loads");
    // the detector works: the same page with the policy opened up requests the foreign addresses
    const open = await run({ resourceOrigins: ['*'] }, `${site}/shop/cart.html`);
    ok(open.foreign >= 3, `the foreign loads are seen when allowed (${open.foreign})`);
    // an origin listed explicitly is allowed; 'page' is what the snapshot's META names
    const listed = await run({ resourceOrigins: ['http://127.0.0.2:1'] }, 'about:blank', site);
    ok(listed.foreign >= 3, `a listed origin loads (${listed.foreign})`);
    equal(listed.own, 0, 'an origin not listed does not load');
    let error: unknown = null;
    try {
      new Mirror(mount(), { resourceOrigins: ['ftp://files.example'] });
    } catch (e) {
      error = e;
    }
    ok(error instanceof TypeError && /ftp:\/\/files\.example/.test(error.message), 'a bad origin is a TypeError naming it');
  });

  it('keeps only the allowed <link rel> tokens, in snapshots and in deltas', () => {
    const c = mount();
    const m = new Mirror(c);
    const s = new Sharer();
    const cases: Array<[string, string]> = [
      ['preconnect preconnect', 'x-cobrowse-blocked'],
      ['dns-prefetch DNS-Prefetch', 'x-cobrowse-blocked'],
      ['prefetch\tprerender', 'x-cobrowse-blocked'],
      ['stylesheet prefetch', 'stylesheet'],
      ['PRECONNECT\nicon preconnect', 'icon'],
      ['alternate stylesheet', 'alternate stylesheet'],
      ['modulepreload manifest serviceworker import', 'x-cobrowse-blocked'],
      ['Icon', 'Icon'],
    ];
    m.apply(
      s.snapshot(
        page(
          [],
          cases.map(([rel], i) => h(40 + i, 'link', { rel, href: 'https://exfil.invalid/x' })),
        ),
      ),
    );
    cases.forEach(([rel, want], i) => equal((m.node(40 + i) as Element).getAttribute('rel'), want, `rel="${rel}"`));
    // a delta that re-arms a kept link
    m.apply(s.delta({ op: OpCode.Attr, id: 43, name: 'rel', value: 'stylesheet preconnect dns-prefetch' }));
    equal((m.node(43) as Element).getAttribute('rel'), 'stylesheet', 'rel set by a delta');
    m.destroy();
    c.remove();
  });

  it('drops referrerpolicy, attributionsrc and <meta name=referrer>; loads carry no Referer', async function () {
    await needsNetworkLog(this);
    const c = mount();
    const m = new Mirror(c, { resourceOrigins: ['*'] });
    const s = new Sharer();
    const img = `${location.origin}/test/fixtures/styles.css?referrer-${Math.random()}`;
    const network = await watchNetwork();
    m.apply(
      s.snapshot(
        { op: OpCode.Meta, url: 'https://shop.example/cart' },
        page(
          [
            h(5, 'img', { src: img, referrerpolicy: 'unsafe-url', attributionsrc: 'https://exfil.invalid/attr' }),
            h(6, 'a', { href: 'https://shop.example/x', referrerPolicy: 'unsafe-url', ping: 'https://shop.example/p' }, ['a']),
          ],
          [h(30, 'meta', { name: 'referrer', content: 'unsafe-url' }), h(31, 'meta', { name: ' Referrer ', content: 'unsafe-url' })],
        ),
      ),
    );
    await sleep(400);
    const seen = (await network()).requests.filter((r) => r.url === img);
    ok(!(m.node(5) as Element).hasAttribute('referrerpolicy'), 'img referrerpolicy dropped');
    ok(!(m.node(5) as Element).hasAttribute('attributionsrc'), 'attributionsrc dropped');
    ok(!(m.node(6) as Element).hasAttribute('referrerpolicy'), 'a referrerPolicy (any case) dropped');
    ok(!(m.node(30) as Element).hasAttribute('name') && !(m.node(31) as Element).hasAttribute('name'), 'meta name=referrer dropped');
    // the detector: the image was requested, and by the network layer's account without a Referer
    equal(seen.length, 1, 'the image was requested once');
    equal(seen[0]!.referrer, '', 'the Referer header of a mirror load');
    // deltas that try the same
    m.apply(
      s.delta(
        { op: OpCode.Attr, id: 5, name: 'referrerpolicy', value: 'unsafe-url' },
        { op: OpCode.Attr, id: 30, name: 'name', value: 'referrer' },
        { op: OpCode.Attr, id: 6, name: 'attributionsrc', value: '' },
      ),
    );
    ok(!(m.node(5) as Element).hasAttribute('referrerpolicy'), 'referrerpolicy set by a delta');
    ok(!(m.node(30) as Element).hasAttribute('name'), 'meta name=referrer set by a delta');
    ok(!(m.node(6) as Element).hasAttribute('attributionsrc'), 'attributionsrc set by a delta');
    m.destroy();
    c.remove();
  });
});
