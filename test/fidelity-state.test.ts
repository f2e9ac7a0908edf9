// State the DOM does not hold in attributes: frames, form state, scroll, viewport, focus, selection,
// dialogs, details, relative URLs. (Canvas and media: see the report; not written yet.)
import { afterEach, assertEqual, describe, it } from './helpers/assert.js';
import { viewerSideSkipIn } from './helpers/engine.js';
import { cleanup, createSharer, frameLoaded, mirrorOf, startSession, typeInto, waitLinkSheet, waitMirrorLinks } from './helpers/harness.js';

afterEach(cleanup);

describe('fidelity: state', () => {
  it('same-origin iframes: srcdoc, nested, about:blank filled by script, added and navigated after the start', async () => {
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body><iframe id="f1" srcdoc="<p>one</p><iframe srcdoc='<b>nested</b>'></iframe>"></iframe></body>`,
    });
    const f1 = sharer.doc.getElementById('f1') as HTMLIFrameElement;
    await new Promise((r) => setTimeout(r, 100));
    const s = await startSession(sharer);
    await s.expectSame('srcdoc + nested');
    const f2 = sharer.doc.createElement('iframe');
    sharer.doc.body.appendChild(f2);
    f2.contentDocument!.body.innerHTML = '<i>filled by script</i>';
    await s.expectSame('about:blank filled by script');
    const f3 = sharer.doc.createElement('iframe');
    const l3 = frameLoaded(f3);
    f3.srcdoc = '<p>added later</p>';
    sharer.doc.body.appendChild(f3);
    await l3;
    await s.expectSame('added after the start');
    const l1 = frameLoaded(f1);
    f1.srcdoc = '<h2>navigated</h2>';
    await l1;
    await s.expectSame('navigated after the start');
    f1.contentDocument!.body.appendChild(f1.contentDocument!.createElement('hr'));
    await s.expectSame('mutation inside the navigated frame');
  });

  it('form state: typed, programmatic, textarea, checkbox, radio, select single/multiple, contenteditable', async () => {
    const sharer = await createSharer({
      html: '<!DOCTYPE html><body><input id="t"><textarea id="ta"></textarea><input type="checkbox" id="cb"><input type="radio" name="r" id="r1" checked><input type="radio" name="r" id="r2"><select id="s"><option>a</option><option>b</option></select><select id="m" multiple><option>x</option><option>y</option><option>z</option></select><div id="ce" contenteditable>edit</div></body>',
    });
    const s = await startSession(sharer);
    const d = sharer.doc;
    typeInto(d.getElementById('t') as HTMLInputElement, 'typed');
    await s.expectSame('typed');
    (d.getElementById('t') as HTMLInputElement).value = 'programmatic';
    (d.getElementById('ta') as HTMLTextAreaElement).value = 'line 1\nline 2';
    (d.getElementById('cb') as HTMLInputElement).checked = true;
    (d.getElementById('r2') as HTMLInputElement).checked = true;
    (d.getElementById('s') as HTMLSelectElement).selectedIndex = 1;
    (d.getElementById('m') as HTMLSelectElement).options[0].selected = true;
    (d.getElementById('m') as HTMLSelectElement).options[2].selected = true;
    d.getElementById('ce')!.textContent = 'edited text';
    await s.expectSame('programmatic state');
    (d.getElementById('s') as HTMLSelectElement).value = 'a';
    (d.getElementById('r1') as HTMLInputElement).click();
    await s.expectSame('select value / radio click');
  });

  it('Japanese with composition events', async () => {
    const sharer = await createSharer({ html: '<!DOCTYPE html><body><input id="j"></body>' });
    const s = await startSession(sharer);
    const el = sharer.doc.getElementById('j') as HTMLInputElement;
    const W = sharer.win;
    el.focus();
    el.dispatchEvent(new W.CompositionEvent('compositionstart', { data: '' }));
    for (const step of ['に', 'にほ', 'にほん', '日本']) {
      el.value = step;
      el.dispatchEvent(new W.CompositionEvent('compositionupdate', { data: step }));
      el.dispatchEvent(new W.InputEvent('input', { inputType: 'insertCompositionText', data: step, isComposing: true, bubbles: true }));
    }
    el.dispatchEvent(new W.CompositionEvent('compositionend', { data: '日本' }));
    await s.expectSame('after composition');
    assertEqual(mirrorOf(s, el)!.value, '日本');
  });

  it('scroll positions of the document and of a scrolled element; viewport size', async () => {
    const sharer = await createSharer({
      html: '<!DOCTYPE html><body style="height:3000px;width:2000px"><div id="sc" style="width:100px;height:60px;overflow:auto"><div style="width:400px;height:600px">big</div></div></body>',
    });
    const s = await startSession(sharer);
    sharer.win.scrollTo(30, 500);
    sharer.doc.getElementById('sc')!.scrollTop = 120;
    sharer.doc.getElementById('sc')!.scrollLeft = 40;
    await s.expectSame('scrolled');
    const mw = s.mirror.document!.defaultView!;
    assertEqual([mw.innerWidth, mw.innerHeight], [sharer.win.innerWidth, sharer.win.innerHeight], 'mirror viewport');
    assertEqual(
      s.mirror.viewport,
      { width: sharer.win.innerWidth, height: sharer.win.innerHeight, dpr: sharer.win.devicePixelRatio },
      'mirror.viewport',
    );
    sharer.frame.style.width = '400px';
    await new Promise((r) => setTimeout(r, 50));
    await s.settle();
    assertEqual(s.mirror.viewport?.width, 400, 'viewport after resize');
  });

  it('focus and text selection', async () => {
    const sharer = await createSharer({ html: '<!DOCTYPE html><body><input id="i"><p id="p">hello <b>selected</b> world</p></body>' });
    const s = await startSession(sharer);
    const i = sharer.doc.getElementById('i')!;
    i.focus();
    await s.settle();
    const focused = s.mirror.document!.querySelector('[data-cobrowse-mirror-focus]');
    assertEqual(focused, mirrorOf(s, i), 'mirror focus marker');
    i.blur();
    const p = sharer.doc.getElementById('p')!;
    sharer.doc.getSelection()!.setBaseAndExtent(p.firstChild!, 2, p.querySelector('b')!.firstChild!, 4);
    await s.settle();
    const ms = s.mirror.document!.getSelection()!;
    assertEqual(ms.anchorNode, mirrorOf(s, p.firstChild!), 'anchor');
    assertEqual([ms.anchorOffset, ms.focusOffset], [2, 4], 'offsets');
    assertEqual(ms.focusNode, mirrorOf(s, p.querySelector('b')!.firstChild!), 'focus node');
  });

  it('<dialog> show / showModal / close, <details open>', async () => {
    const sharer = await createSharer({
      html: '<!DOCTYPE html><body><dialog id="d">dialog</dialog><details id="det"><summary>s</summary>body</details></body>',
    });
    const s = await startSession(sharer);
    const d = sharer.doc.getElementById('d') as HTMLDialogElement;
    d.show();
    await s.expectSame('show');
    d.close();
    d.showModal();
    await s.expectSame('showModal');
    d.close();
    (sharer.doc.getElementById('det') as HTMLDetailsElement).open = true;
    await s.expectSame('close + details open');
  });

  it('relative URLs (src, href, srcset, style url(), stylesheet url()) are absolute in the mirror', async function () {
    await viewerSideSkipIn(
      this,
      'WebKit',
      "in full three-engine runs only, WebKitGTK's mirror lays the page's broken <img> (404) out at 0 px where the sharer shows a 20 px alt box (as in fidelity-styles); passes alone (undiagnosed)",
    );
    const sharer = await createSharer({ url: '/test/fixtures/page.html' });
    await waitLinkSheet(sharer.doc);
    const s = await startSession(sharer);
    await waitMirrorLinks(s);
    await s.expectSame('URLs');
    const md = s.mirror.document!;
    const abs = (u: string) => new URL(u, sharer.doc.baseURI).href;
    assertEqual(md.getElementById('img')!.getAttribute('src'), abs('img/a.png'), 'img src');
    assertEqual(md.getElementById('a')!.getAttribute('href'), abs('other.html?x=1#frag'), 'a href');
    assertEqual(md.getElementById('img')!.getAttribute('srcset'), `${abs('img/a-1x.png')} 1x, ${abs('img/a-2x.png')} 2x`, 'srcset');
    const style = Array.from(md.querySelectorAll('style'))
      .map((x) => x.sheet!.cssRules[0]?.cssText ?? '')
      .join(' ');
    assertEqual(style.includes(abs('img/pattern.png')), true, `stylesheet url(): ${style}`);
    const sharerImg = sharer.doc.getElementById('img')!;
    sharerImg.setAttribute('src', 'img/changed.png');
    await s.settle();
    assertEqual(md.getElementById('img')!.getAttribute('src'), abs('img/changed.png'), 'changed src');
  });
});
