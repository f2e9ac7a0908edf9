// Shadow roots, template content, frame documents, stylesheets and :hover/:focus rewriting.
import { Mirror } from '../src/mirror/index.js';
import { rewriteSelector } from '../src/mirror/styles.js';
import { OpCode } from '../src/protocol/constants.js';
import { describe, equal, it, ok, sleep } from './helpers/mirror-assert.js';
import { pixelDiff } from './helpers/commands.js';
import { viewerSideSkipIn } from './helpers/engine.js';
import { Sharer, doc, doctype, frag, h, mount, page, ref, shadow, t, tree } from './helpers/mirror-frames.js';

const RED = 'rgb(255, 0, 0)';
const GREEN = 'rgb(0, 128, 0)';
const BLUE = 'rgb(0, 0, 255)';
function setup() {
  return { m: new Mirror(mount()), s: new Sharer() };
}
const color = (m: Mirror, id: number) => getComputedStyle(m.node(id) as Element).color;

describe('mirror: shadow roots and templates', () => {
  it('later changes to adopted sheets (rules inserted, deleted; a sheet un-adopted) restyle every shadow tree concerned', async function () {
    await viewerSideSkipIn(
      this,
      'WebKit',
      "WebKitGTK 2.50 keeps the first style of a shadow tree in the mirror's iframe when its adopted sheets change in a later frame (a rule inserted or deleted, the list set again; getComputedStyle too)",
    );
    const { m, s } = setup();
    m.apply(
      s.snapshot(
        page([
          h(5, 'x-open', {}, [], { shadow: shadow(6, 'open', h(7, 'p', {}, ['open'])) }),
          h(8, 'x-closed', {}, [], { shadow: shadow(9, 'closed', h(10, 'p', {}, ['closed'])) }),
        ]),
      ),
    );
    m.apply(
      s.delta(
        { op: OpCode.SheetNew, sheet: 1, document: 1 },
        { op: OpCode.SheetRules, ref: 3, rules: ['p { color: rgb(255, 0, 0) }'] },
        { op: OpCode.Adopt, target: 9, sheets: [1] },
        { op: OpCode.Adopt, target: 6, sheets: [1] },
      ),
    );
    equal(color(m, 10), RED);
    m.apply(s.delta({ op: OpCode.SheetInsert, ref: 3, index: 1, rule: 'p { color: rgb(0, 0, 255) }' }));
    equal(color(m, 10), BLUE, 'closed root after insert');
    equal(color(m, 7), BLUE, 'open root after insert');
    m.apply(s.delta({ op: OpCode.SheetDelete, ref: 3, index: 1 }));
    equal(color(m, 10), RED, 'after delete');
    m.apply(s.delta({ op: OpCode.Adopt, target: 6, sheets: [] }));
    ok(color(m, 7) !== RED, 'un-adopted');
    equal(color(m, 10), RED, 'still adopted by the other root');
    m.destroy();
  });

  it('attaches open and closed shadow roots, with adopted sheets in them', () => {
    const { m, s } = setup();
    m.apply(
      s.snapshot(
        page([
          h(5, 'x-open', {}, [], { shadow: shadow(6, 'open', h(7, 'p', {}, ['open'])) }),
          h(8, 'x-closed', {}, [], { shadow: shadow(9, 'closed', h(10, 'p', {}, ['closed'])) }),
        ]),
      ),
    );
    const open = m.node(5) as Element;
    equal(open.shadowRoot, m.node(6));
    equal((m.node(8) as Element).shadowRoot, null, 'closed stays closed');
    equal((m.node(9) as ShadowRoot).textContent, 'closed');
    equal((m.node(10) as Node).getRootNode(), m.node(9));
    m.apply(
      s.delta(
        { op: OpCode.SheetNew, sheet: 1, document: 1 },
        { op: OpCode.SheetRules, ref: 3, rules: ['p { color: rgb(255, 0, 0) }'] },
        { op: OpCode.Adopt, target: 9, sheets: [1] },
        { op: OpCode.Adopt, target: 6, sheets: [1] },
      ),
    );
    equal(color(m, 10), RED);
    equal(color(m, 7), RED);
    // a shadow root attached later, to an existing host; a second one is refused
    m.apply(s.delta(tree(4, 0, h(11, 'div')), tree(11, 0, shadow(12, 'open', t(13, 'late')))));
    equal((m.node(11) as Element).shadowRoot!.textContent, 'late');
    let threw = false;
    try {
      m.apply(s.bad([tree(11, 0, shadow(14, 'open'))]));
    } catch {
      threw = true;
    }
    ok(threw, 'two shadow roots on one host');
    m.destroy();
  });

  it('fills template content, and edits it with deltas', () => {
    const { m, s } = setup();
    m.apply(s.snapshot(page([h(5, 'template', {}, [], { content: frag(6, h(7, 'b', {}, [t(8, 'in template')])) })])));
    const tpl = m.node(5) as HTMLTemplateElement;
    equal(tpl.content, m.node(6));
    equal(tpl.content.textContent, 'in template');
    equal(tpl.childNodes.length, 0);
    m.apply(s.delta({ op: OpCode.Text, id: 8, data: 'changed' }, tree(6, 0, h(9, 'i'))));
    equal(tpl.innerHTML, '<b>changed</b><i></i>');
    m.destroy();
  });
});

describe('mirror: frame documents', () => {
  it('builds same-origin frame documents, edits, replaces and moves them', () => {
    const { m, s } = setup();
    const inner = doc(6, doctype(7), h(8, 'html', {}, [h(9, 'head'), h(10, 'body', {}, [h(11, 'p', {}, [t(12, 'inside')])])]));
    m.apply(s.snapshot(page([h(5, 'iframe', { src: 'https://shop.example/frame' }, [], { doc: inner }), h(20, 'div')])));
    const frame = m.node(5) as HTMLIFrameElement;
    equal(frame.getAttribute('src'), null, 'frames never load');
    equal(frame.contentDocument, m.node(6));
    equal(frame.contentDocument!.compatMode, 'CSS1Compat');
    equal(frame.contentDocument!.body.textContent, 'inside');
    m.apply(s.delta({ op: OpCode.Text, id: 12, data: 'edited' }, { op: OpCode.Hover, id: 11 }));
    equal(frame.contentDocument!.body.textContent, 'edited');
    ok(frame.hasAttribute('data-cobrowse-mirror-hover'), 'hover goes up through the frame element');
    // a new document for the frame (the frame navigated)
    m.apply(s.delta(tree(5, 0, doc(30, h(31, 'html', {}, [h(32, 'body', {}, ['next'])])))));
    equal(frame.contentDocument, m.node(30));
    equal(frame.contentDocument!.compatMode, 'BackCompat');
    equal(frame.contentDocument!.body.textContent, 'next');
    equal(m.node(12), undefined, 'the old frame document ids are released');
    // move the frame: its document (and ids) survive
    m.apply(s.delta(tree(20, 0, ref(5))));
    equal(frame.parentNode, m.node(20));
    equal(frame.contentDocument!.body.textContent, 'next');
    equal(m.node(30), frame.contentDocument);
    // wrap it in a new element (moved through a detached parent)
    m.apply(s.delta(tree(4, 0, h(40, 'section', {}, [ref(5)])), { op: OpCode.Text, id: 32 * 1000 + 1, data: 'after wrap' }));
    equal(frame.parentNode, m.node(40));
    equal(frame.contentDocument!.body.textContent, 'after wrap');
    equal(m.node(30), frame.contentDocument);
    m.destroy();
  });
});

describe('mirror: stylesheets and state selectors', () => {
  it('rewrites :hover / :focus selectors, also in inserted rules, keeping indices', () => {
    equal(
      rewriteSelector('a:hover, b:focus-within > c:focus'),
      'a[data-cobrowse-mirror-hover], b[data-cobrowse-mirror-focus-within] > c[data-cobrowse-mirror-focus]',
    );
    equal(rewriteSelector('.md\\:hover\\:x:hover'), '.md\\:hover\\:x[data-cobrowse-mirror-hover]');
    equal(rewriteSelector('[title=":hover"]'), null);
    equal(rewriteSelector('p:hovered'), null);
    const { m, s } = setup();
    m.apply(
      s.snapshot(
        page(
          [
            h(5, 'div', { class: 'card' }, [h(6, 'input', { id: 'q' })]),
            h(7, 'x-host', {}, [], {
              shadow: shadow(8, 'open', h(9, 'style', {}, [t(10, ':host(:hover) { color: rgb(0, 128, 0) }')]), h(11, 'span', {}, ['s'])),
            }),
          ],
          [
            h(12, 'style', {}, [
              t(
                13,
                '.card:hover { color: rgb(0, 128, 0) } .card:focus-within { background-color: rgb(0, 0, 255) } @media all { #q:focus { color: rgb(255, 0, 0) } }',
              ),
            ]),
          ],
        ),
      ),
    );
    equal(color(m, 5), 'rgb(0, 0, 0)');
    m.apply(s.delta({ op: OpCode.Hover, id: 5 }, { op: OpCode.Focus, id: 6 }));
    equal(color(m, 5), GREEN);
    equal(getComputedStyle(m.node(5) as Element).backgroundColor, BLUE);
    equal(color(m, 6), RED);
    m.apply(s.delta({ op: OpCode.Hover, id: 11 }, { op: OpCode.Focus, id: 0 }));
    ok(color(m, 5) !== GREEN);
    equal(color(m, 7), GREEN, ':host(:hover) in a shadow <style>');
    // rules inserted later are rewritten too; indices match the sharer's sheet
    m.apply(
      s.delta(
        { op: OpCode.SheetInsert, ref: 12 * 2, index: 0, rule: 'x-host:hover { background-color: rgb(255, 0, 0) }' },
        { op: OpCode.SheetDelete, ref: 12 * 2, index: 1 },
      ),
    );
    const sheet = (m.node(12) as HTMLStyleElement).sheet!;
    equal(sheet.cssRules.length, 3);
    ok(sheet.cssRules[1]!.cssText.startsWith('.card[data-cobrowse-mirror-focus-within]'));
    equal(getComputedStyle(m.node(7) as Element).backgroundColor, RED);
    // a style element whose text changes is re-read and rewritten
    m.apply(s.delta({ op: OpCode.Text, id: 13, data: '.card:hover { color: rgb(0, 0, 255) }' }, { op: OpCode.Hover, id: 5 }));
    equal(color(m, 5), BLUE);
    // SHEET_RULES replaces a <style> sheet's rules; an unparseable rule keeps its index with a placeholder
    m.apply(s.delta({ op: OpCode.SheetRules, ref: 12 * 2, rules: ['@bogus-rule;', '.card:hover { color: rgb(255, 0, 0) }'] }));
    equal((m.node(12) as HTMLStyleElement).sheet!.cssRules.length, 2); // a new sheet since the TEXT op
    equal(color(m, 5), RED);
    ok(!m.needsSnapshot);
    m.destroy();
  });

  it('constructed sheets in documents, rewritten; adopted in the document', () => {
    const { m, s } = setup();
    m.apply(
      s.snapshot(
        page([h(5, 'a', { class: 'l' }, ['x'])]),
        { op: OpCode.SheetNew, sheet: 4, document: 1 },
        { op: OpCode.SheetRules, ref: 9, rules: ['.l { color: rgb(0, 0, 255) }', '.l:hover { color: rgb(0, 128, 0) }'] },
        { op: OpCode.Adopt, target: 1, sheets: [4] },
      ),
    );
    equal(color(m, 5), BLUE);
    m.apply(s.delta({ op: OpCode.Hover, id: 5 }));
    equal(color(m, 5), GREEN);
    m.apply(s.delta({ op: OpCode.SheetDelete, ref: 9, index: 1 }));
    equal(color(m, 5), BLUE);
    m.destroy();
  });
});

describe('mirror: canvas pictures (no scripts in the mirror: a canvas would show its fallback, 0x0)', () => {
  /** A solid PNG of that size, as the capture sends it (the canvas bitmap size). */
  function solid(w: number, h: number, color: string): string {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const g = c.getContext('2d')!;
    g.fillStyle = color;
    g.fillRect(0, 0, w, h);
    return c.toDataURL('image/png');
  }
  const box = (el: Element) => {
    const r = el.getBoundingClientRect();
    return `${r.width}x${r.height}`;
  };
  /** Waits (up to 2 s) for the data: images to decode and lay out. */
  async function settled(el: Element, want: string): Promise<void> {
    for (let i = 0; i < 100 && box(el) !== want; i++) await sleep(20);
    equal(box(el), want, `canvas box (content: ${getComputedStyle(el).content.slice(0, 60)}, children ${el.children.length})`);
  }

  it('sizes the canvas like the sharer (attributes, CSS) and shows the CANVAS picture', async () => {
    const c = mount();
    const m = new Mirror(c, { scale: 1, cursor: false });
    const s = new Sharer();
    const css = h(3, 'head', {}, [h(30, 'style', {}, [t(31, 'body{margin:0} .w{width:80px} .b{display:block;width:60px;height:10px}')])]);
    m.apply(
      s.snapshot(
        tree(
          0,
          0,
          doc(
            1,
            doctype(99),
            h(2, 'html', {}, [
              css,
              h(4, 'body', {}, [
                h(5, 'canvas', { width: '40', height: '20' }),
                h(6, 'canvas', { width: '40', height: '20', class: 'w' }),
                h(7, 'canvas', { width: '40', height: '20', class: 'b' }),
                h(8, 'canvas'),
              ]),
            ]),
          ),
        ),
      ),
    );

    const [a, w, b, dflt] = [5, 6, 7, 8].map((id) => m.node(id) as HTMLCanvasElement);
    // before any picture (an untouched canvas sends none): the box is there, transparent
    // each placeholder picture decodes on its own (WebKit: one after another), so each is waited for
    await settled(a, '40x20');
    await settled(w, '80x40'); // CSS width, height from the aspect ratio
    await settled(b, '60x10');
    await settled(dflt, '300x150');
    equal(getComputedStyle(a).display, 'inline', 'the canvas keeps its display');
    equal(getComputedStyle(b).display, 'block');
    m.apply(
      s.delta({ op: OpCode.Canvas, id: 5, image: solid(40, 20, '#f00') }, { op: OpCode.Canvas, id: 6, image: solid(40, 20, '#00f') }),
    );
    await settled(a, '40x20');
    await settled(w, '80x40');
    // mirror-owned: one marked child, nothing else in the canvas
    equal(a.children.length, 1);
    ok(a.firstElementChild!.hasAttribute('data-cobrowse-mirror-canvas'));
    // a new size clears the picture, the box follows the attributes
    m.apply(s.delta({ op: OpCode.Attr, id: 5, name: 'height', value: '30' }));
    await settled(a, '40x30');
    m.apply(s.delta({ op: OpCode.Canvas, id: 5, image: solid(40, 30, '#f00') }));
    // the pixels: the mirror's canvas against a reference of the same picture in the test page. Always
    // checked: the suite's runner has the screenshot commands, and without them pixelDiff throws (a failure)
    const ref = document.createElement('img');
    ref.src = solid(80, 40, '#00f');
    // both rects inside the viewport, without scrolling: a WebDriver screenshot (WebKit) covers the
    // viewport only, and the page has grown below it by now. The mirror pinned to the top-left corner,
    // the reference to the bottom-right one.
    c.style.cssText = 'position:fixed;left:0;top:0;z-index:1';
    ref.style.cssText = 'position:fixed;right:0;bottom:0;width:80px;height:40px;z-index:2';
    document.body.appendChild(ref);
    await ref.decode();
    const fr = m.iframe.getBoundingClientRect();
    const r = w.getBoundingClientRect();
    const target = document.createElement('div'); // a rect in the test page over the mirror's canvas
    target.style.cssText = `position:fixed;left:${fr.left + r.left}px;top:${fr.top + r.top}px;width:${r.width}px;height:${r.height}px;pointer-events:none`;
    document.body.appendChild(target);
    // the mirror's canvas picture is a CSS image, painted once decoded: shot again until it is (or 20 tries)
    let diff = await pixelDiff(ref, target);
    for (let i = 0; i < 20 && diff.differing > 0; i++) {
      await sleep(50);
      diff = await pixelDiff(ref, target);
    }
    ok(diff.inked > 0, 'the reference is not blank');
    equal(diff.differing, 0, `mirror canvas pixels differ from the picture: ${JSON.stringify(diff)}`);
    ref.remove();
    target.remove();
    m.destroy();
    c.remove();
  });
});
