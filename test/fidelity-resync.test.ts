// resync(): a late joiner gets the same document as the first mirror and the sharer; stop() stops every frame.
import { afterEach, assertEqual, assertNoDiffs, describe, it } from './helpers/assert.js';
import { compareDocuments } from './helpers/compare.js';
import { cleanup, createSharer, startSession, typeInto } from './helpers/harness.js';
import { activePatchCount } from '../src/capture/patches.js';

afterEach(cleanup);

const PAGE =
  '<!DOCTYPE html><style id="st"></style><body><div id="app"><input id="i"><ul id="l"><li>1</li></ul></div><div id="sc" style="height:40px;overflow:auto"><div style="height:400px">tall</div></div></body>';

describe('fidelity: resync and stop', () => {
  it('a late joiner (resync snapshot + following deltas) equals the first mirror and the sharer', async () => {
    const sharer = await createSharer({ html: PAGE });
    const s = await startSession(sharer);
    const { doc, win } = sharer;
    (doc.getElementById('st') as HTMLStyleElement).sheet!.insertRule('li { color: rgb(1, 2, 3); }', 0);
    const cs = new win.CSSStyleSheet();
    cs.replaceSync('ul { margin: 7px; }');
    doc.adoptedStyleSheets = [cs];
    typeInto(doc.getElementById('i') as HTMLInputElement, 'typed before join');
    doc.getElementById('sc')!.scrollTop = 100;
    doc.getElementById('l')!.appendChild(doc.createElement('li')).textContent = '2';
    await s.settle();
    const joiner = s.join();
    await s.expectSame('right after the join');
    doc.getElementById('l')!.appendChild(doc.createElement('li')).textContent = '3';
    typeInto(doc.getElementById('i') as HTMLInputElement, 'typed after join');
    cs.insertRule('li { font-size: 18px; }', 0);
    await s.expectSame('deltas after the join');
    assertNoDiffs(compareDocuments(s.mirror.document!, joiner.document), 'joiner vs first mirror');
    const joiner2 = s.join();
    doc.getElementById('app')!.remove();
    await s.expectSame('second joiner');
    assertNoDiffs(compareDocuments(s.mirror.document!, joiner2.document), 'second joiner vs first mirror');
  });

  it('a resync snapshot applied to the first mirror too keeps it equal', async () => {
    const sharer = await createSharer({ html: PAGE });
    const s = await startSession(sharer, { applyResyncToMain: true });
    sharer.doc.getElementById('l')!.appendChild(sharer.doc.createElement('li'));
    s.join();
    sharer.doc.getElementById('l')!.firstElementChild!.remove();
    await s.expectSame('after resync applied to both');
  });

  it('stop(): no frame after it, whatever changes; every patch removed', async () => {
    const sharer = await createSharer({ html: PAGE });
    const s = await startSession(sharer);
    s.stop();
    const n = s.frames.length;
    const { doc, win } = sharer;
    doc.getElementById('l')!.appendChild(doc.createElement('li'));
    (doc.getElementById('i') as HTMLInputElement).value = 'x';
    typeInto(doc.getElementById('i') as HTMLInputElement, 'y');
    (doc.getElementById('st') as HTMLStyleElement).sheet!.insertRule('p { color: red; }', 0);
    doc.getElementById('sc')!.scrollTop = 50;
    doc.adoptedStyleSheets = [new win.CSSStyleSheet()];
    doc.getElementById('app')!.attachShadow({ mode: 'open' });
    sharer.frame.style.width = '300px';
    await s.settle();
    await new Promise((r) => setTimeout(r, 300));
    assertEqual(s.frames.length, n, 'frames after stop');
    assertEqual(activePatchCount(), 0, 'patches left after stop');
  });
});
