// The comparer must see every kind of difference the fidelity tests rely on (a comparer that always
// says "same" would make every fidelity test pass). Two same-origin frames stand in for sharer and
// mirror; no capture involved.
import { assert, assertEqual, assertNoDiffs, afterEach, describe, it } from './helpers/assert.js';
import { compareDocuments, counterpart } from './helpers/compare.js';

const frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const f of frames.splice(0)) f.remove();
});

async function frame(html: string): Promise<Document> {
  const f = document.createElement('iframe');
  f.style.cssText = 'width:400px;height:300px;border:0';
  const loaded = new Promise((r) => f.addEventListener('load', r, { once: true }));
  f.srcdoc = html;
  document.body.appendChild(f);
  frames.push(f);
  await loaded;
  return f.contentDocument!;
}

const PAGE = `<!doctype html><html><head><style>.a{color:rgb(1,2,3)} .b:hover{color:red}</style></head>
<body><div id="x" class="a" style="margin: 2px">hello <b>world</b><!-- c --></div>
<svg><circle r="3"></circle></svg><input id="i" value="v"><input type="checkbox" id="c">
<select id="s"><option>1</option><option>2</option></select><template><p>t</p></template>
<div id="sc" style="height:50px;overflow:auto"><div style="height:500px">tall</div></div>
<img src="http://localhost/abs.png"><details><summary>s</summary>d</details></body></html>`;

async function pair(): Promise<[Document, Document]> {
  return [await frame(PAGE), await frame(PAGE)];
}

/** The change must produce a difference mentioning `expect`. */
async function mustDiffer(change: (s: Document, m: Document) => void | Promise<void>, expect: RegExp): Promise<void> {
  const [s, m] = await pair();
  assertNoDiffs(compareDocuments(s, m), 'identical pages');
  await change(s, m);
  const diffs = compareDocuments(s, m);
  assert(
    diffs.some((d) => expect.test(d)),
    `expected a difference matching ${expect}, got ${JSON.stringify(diffs.slice(0, 5))}`,
  );
}

describe('the fidelity comparer', () => {
  it('finds no difference between identical pages', async () => {
    const [s, m] = await pair();
    assertEqual(compareDocuments(s, m), []);
  });
  it('sees text, attributes, elements, comments, namespaces', async () => {
    await mustDiffer((_s, m) => void ((m.querySelector('b')!.firstChild as Text).data = 'w0rld'), /text/);
    await mustDiffer((_s, m) => m.getElementById('x')!.setAttribute('title', 't'), /extra attribute title/);
    await mustDiffer((_s, m) => m.getElementById('x')!.removeAttribute('class'), /attribute class missing/);
    await mustDiffer((_s, m) => m.getElementById('x')!.setAttribute('class', 'b'), /attribute class/);
    await mustDiffer((_s, m) => void m.body.appendChild(m.createElement('p')), /child count/);
    await mustDiffer(
      (_s, m) => m.querySelector('svg')!.replaceWith(m.createElement('svg')),
      /element: sharer http:\/\/www.w3.org\/2000\/svg/,
    );
    await mustDiffer((_s, m) => void (m.getElementById('x')!.lastChild as Comment).remove(), /child count/);
    await mustDiffer((_s, m) => void (m.querySelector('template')!.content.firstElementChild!.textContent = 'u'), /#content/);
    await mustDiffer((_s, m) => m.getElementById('x')!.setAttribute('onclick', 'x()'), /event handler/);
  });
  it('sees form state, scroll, dialogs, details', async () => {
    await mustDiffer((_s, m) => void ((m.getElementById('i') as HTMLInputElement).value = 'w'), /value/);
    await mustDiffer((_s, m) => void ((m.getElementById('c') as HTMLInputElement).checked = true), /checked/);
    await mustDiffer((_s, m) => void ((m.getElementById('s') as HTMLSelectElement).selectedIndex = 1), /selectedIndex/);
    await mustDiffer((_s, m) => void (m.getElementById('sc')!.scrollTop = 40), /scroll/);
    await mustDiffer((_s, m) => void (m.querySelector('details')!.open = true), /details open|attribute open/);
  });
  it('sees style rules, CSSOM changes, adopted sheets and computed styles', async () => {
    await mustDiffer((_s, m) => void m.styleSheets[0].insertRule('p{color:blue}', 0), /rule count/);
    await mustDiffer((_s, m) => {
      const sheet = m.styleSheets[0];
      sheet.deleteRule(0);
      sheet.insertRule('.a{color:rgb(9,9,9)}', 0);
    }, /declarations/);
    await mustDiffer((_s, m) => {
      const sheet = new (m.defaultView as Window & typeof globalThis).CSSStyleSheet();
      sheet.replaceSync('body{color:red}');
      m.adoptedStyleSheets = [sheet];
    }, /adoptedStyleSheets count/);
    await mustDiffer((_s, m) => void (m.getElementById('x')!.style.display = 'none'), /style/);
  });
  it('requires absolute URLs in the mirror', async () => {
    const s = await frame('<img src="rel.png"><a href="x/y">a</a><div style="background:url(bg.png)"></div>');
    const m = await frame('<img src="rel.png"><a href="x/y">a</a><div style="background:url(bg.png)"></div>');
    const diffs = compareDocuments(s, m);
    assert(
      diffs.some((d) => /attribute src: sharer \(resolved\) "http/.test(d)),
      JSON.stringify(diffs),
    );
    assert(
      diffs.some((d) => /attribute href/.test(d)),
      JSON.stringify(diffs),
    );
    assert(
      diffs.some((d) => /style: sharer \(resolved\)/.test(d)),
      JSON.stringify(diffs),
    );
    const abs = (u: string) => new URL(u, s.baseURI).href;
    const m2 = await frame(
      `<img src="${abs('rel.png')}"><a href="${abs('x/y')}">a</a><div style="background:url(${abs('bg.png')})"></div>`,
    );
    assertNoDiffs(compareDocuments(s, m2), 'resolved URLs');
  });
  it('walks a 5,000-level tree without overflowing and finds the deepest difference', async () => {
    const [s, m] = await pair();
    for (const d of [s, m]) {
      // Chromium's renderer crashes laying out a displayed tree this deep: keep it out of rendering
      let at: Element = d.body.appendChild(d.createElement('div'));
      (at as HTMLElement).style.display = 'none';
      for (let i = 0; i < 5000; i++) at = at.appendChild(d.createElement('div'));
      at.textContent = 'deep';
    }
    assertNoDiffs(compareDocuments(s, m), 'deep identical');
    let deepest: Element = m.body.lastElementChild!;
    while (deepest.firstElementChild) deepest = deepest.firstElementChild;
    deepest.textContent = 'changed';
    const diffs = compareDocuments(s, m);
    assertEqual(diffs.length, 1, JSON.stringify(diffs));
  });
  it('finds counterparts by position, through shadow roots', async () => {
    const [s, m] = await pair();
    for (const d of [s, m]) d.getElementById('x')!.attachShadow({ mode: 'open' }).innerHTML = '<i>in</i>';
    const si = s.getElementById('x')!.shadowRoot!.firstChild!;
    assertEqual(counterpart(si, s, m), m.getElementById('x')!.shadowRoot!.firstChild);
    assertEqual(counterpart(s.querySelector('b')!.firstChild!, s, m), m.querySelector('b')!.firstChild);
  });
});
