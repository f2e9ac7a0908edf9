// The capture's ignore rule (`data-cobrowse-ignore`, MaskOptions.ignore): ignored elements and all
// they hold (text, fields, shadow content) never reach a frame, and the mirror is the page without
// them, whatever happens around them (inserts next to them, moves, attribute toggles).
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { cleanup, countBytes, createSharer, mirrorOf, prng, startSession, typeInto, type Session } from './helpers/harness.js';

afterEach(cleanup);

const enc = new TextEncoder();
const token = Math.random().toString(36).slice(2, 10).toUpperCase();
const canary = (pos: string) => `IGNCANARY${token}${pos}`;
const IGNORED = (n: Node) => n.nodeType === 1 && (n as Element).closest('[data-cobrowse-ignore], .overlay') !== null;

/** No canary in any frame, after a resync snapshot too. */
async function assertNoLeak(s: Session, list: string[]): Promise<void> {
  await s.settle();
  s.handle.resync();
  await s.settle();
  const leaks: string[] = [];
  for (const c of list) {
    const needle = enc.encode(c);
    s.frames.forEach((f, i) => {
      if (countBytes(f, needle)) leaks.push(`${c} in frame ${i}`);
    });
  }
  assertEqual(leaks, [], 'ignored content in frames');
}

/** The mirror equals the page minus the ignored elements. */
async function expectSameWithoutIgnored(s: Session, message: string): Promise<void> {
  await s.expectSame(message, { absent: IGNORED, styles: false });
}

function overlay(doc: Document, text: string): HTMLElement {
  const el = doc.createElement('div');
  el.setAttribute('data-cobrowse-ignore', '');
  el.style.cssText = 'position:fixed;inset:0;pointer-events:none';
  el.innerHTML = `<span>${text}</span><input value="${text}v">`;
  el.firstElementChild!.attachShadow({ mode: 'open' }).innerHTML = `<b>${text}shadow</b>`;
  return el;
}

describe('capture ignore', () => {
  it('an ignored element present before capture: nothing of it (text, value, shadow) in any frame', async () => {
    const c = canary('before');
    const sharer = await createSharer({ html: `<!DOCTYPE html><body><p id="a">a</p><p id="b">b</p></body>` });
    const o = sharer.doc.body.insertBefore(overlay(sharer.doc, c), sharer.doc.getElementById('b'));
    const s = await startSession(sharer);
    assertEqual(s.mirror.document!.querySelector('[data-cobrowse-ignore]'), null, 'no mirror node for the overlay');
    await expectSameWithoutIgnored(s, 'page minus the overlay');
    // mutations inside it: no frame at all
    const before = s.frames.length;
    o.firstElementChild!.textContent = canary('changed');
    o.setAttribute('title', canary('title'));
    typeInto(o.querySelector('input')!, canary('typed'));
    o.firstElementChild!.shadowRoot!.innerHTML = `<i>${canary('shadow2')}</i>`;
    o.appendChild(sharer.doc.createElement('em')).textContent = canary('appended');
    await s.settle();
    assertEqual(s.frames.length, before, 'changes inside an ignored element produce no frame');
    await assertNoLeak(s, [
      c,
      `${c}v`,
      `${c}shadow`,
      canary('changed'),
      canary('title'),
      canary('typed'),
      canary('shadow2'),
      canary('appended'),
    ]);
  });

  it('an ignored element added, moved and removed after capture: no frame, no bytes', async () => {
    const c = canary('after');
    const sharer = await createSharer({ html: `<!DOCTYPE html><body><p id="a">a</p><div id="box"><p id="b">b</p></div></body>` });
    const s = await startSession(sharer);
    const before = s.frames.length;
    const o = overlay(sharer.doc, c);
    sharer.doc.body.appendChild(o);
    await s.settle();
    sharer.doc.getElementById('box')!.prepend(o);
    await s.settle();
    o.remove();
    await s.settle();
    assertEqual(s.frames.length, before, 'inserting, moving, removing an ignored element writes nothing');
    sharer.doc.body.prepend(o);
    await expectSameWithoutIgnored(s, 'after re-adding');
    await assertNoLeak(s, [c, `${c}v`, `${c}shadow`]);
  });

  it('inserts before and after an ignored sibling, and moves around it, converge', async () => {
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body><ul id="l"><li>1</li><li data-cobrowse-ignore>ign</li><li>3</li></ul><ul id="m"></ul></body>`,
    });
    const s = await startSession(sharer);
    const { doc } = sharer;
    const l = doc.getElementById('l')!;
    const ign = l.children[1]!;
    const li = (t: string) => Object.assign(doc.createElement('li'), { textContent: t });
    // before the ignored node: must land before "3", not at the end
    l.insertBefore(li('x'), ign);
    await expectSameWithoutIgnored(s, 'insert before an ignored sibling');
    ign.after(li('y'));
    await expectSameWithoutIgnored(s, 'insert after an ignored sibling');
    // a run of new nodes with the ignored one in its middle (one batch)
    const a = li('a');
    const b = li('b');
    l.append(a, doc.createElement('li'), b);
    (a.nextSibling as Element).setAttribute('data-cobrowse-ignore', '');
    l.insertBefore(li('before-run'), a);
    await expectSameWithoutIgnored(s, 'a run with an ignored node inside');
    // the ignored node moved to the front, then to the other list, then the last captured one before it
    l.prepend(ign);
    await expectSameWithoutIgnored(s, 'ignored moved to the front');
    doc.getElementById('m')!.append(ign);
    doc.getElementById('m')!.insertBefore(l.lastElementChild!, ign);
    await expectSameWithoutIgnored(s, 'moves around the ignored node');
    // only ignored nodes as the next siblings: append
    doc.getElementById('m')!.insertBefore(li('z'), ign);
    await expectSameWithoutIgnored(s, 'insert before the last (ignored) child');
    assertEqual(mirrorOf(s, doc.getElementById('m')!)!.lastElementChild!.textContent, 'z');
  });

  it('the attribute toggled: added removes the element from the mirror, removed writes it where it is', async () => {
    const sharer = await createSharer({ html: `<!DOCTYPE html><body><p>1</p><section id="s"><b>inner</b></section><p>3</p></body>` });
    const s = await startSession(sharer);
    const sec = sharer.doc.getElementById('s')!;
    const m = mirrorOf(s, sec)!;
    sec.setAttribute('data-cobrowse-ignore', '');
    await expectSameWithoutIgnored(s, 'became ignored');
    assert(!m.isConnected, 'the mirror node is gone');
    sec.querySelector('b')!.textContent = canary('whileignored');
    await s.settle();
    sec.removeAttribute('data-cobrowse-ignore');
    await expectSameWithoutIgnored(s, 'no longer ignored');
    assertEqual(mirrorOf(s, sec)!.textContent, canary('whileignored'), 'written again with its current content');
    // toggled on and off in one task: nothing changes for the viewer
    sec.setAttribute('data-cobrowse-ignore', '');
    sec.removeAttribute('data-cobrowse-ignore');
    // became ignored and moved in the same task
    const p = sharer.doc.body.firstElementChild!;
    p.setAttribute('data-cobrowse-ignore', '');
    sharer.doc.body.append(p);
    await expectSameWithoutIgnored(s, 'ignored and moved at once');
    // a captured node moved into an element that becomes ignored in the same task: gone from the mirror
    const mover = sharer.doc.createElement('i');
    mover.textContent = 'mover';
    sharer.doc.body.append(mover);
    await s.settle();
    sec.append(mover);
    sec.setAttribute('data-cobrowse-ignore', '');
    mover.textContent = canary('movedin');
    await expectSameWithoutIgnored(s, 'moved into a newly ignored element');
    assert(!s.mirror.document!.body.textContent!.includes('mover'), 'the moved node left the mirror');
    // un-ignored inside an ignored ancestor: still not captured
    const outer = overlay(sharer.doc, canary('outer'));
    sharer.doc.body.append(outer);
    const inner = outer.appendChild(sharer.doc.createElement('div'));
    inner.setAttribute('data-cobrowse-ignore', '');
    inner.textContent = canary('inner');
    await s.settle();
    inner.removeAttribute('data-cobrowse-ignore');
    await expectSameWithoutIgnored(s, 'inner un-ignored');
    await assertNoLeak(s, [canary('outer'), canary('inner'), canary('movedin')]);
  });

  it('ignore selectors (MaskOptions.ignore), also matching only after a class change', async () => {
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body><div class="overlay">${canary('sel')}</div><p id="p">${'x'}</p></body>`,
    });
    const s = await startSession(sharer, { mask: { ignore: '.overlay' } });
    const p = sharer.doc.getElementById('p')!;
    p.className = 'overlay';
    p.textContent = canary('laterclass');
    await expectSameWithoutIgnored(s, 'class now matches');
    assertEqual(s.mirror.document!.getElementById('p'), null);
    await assertNoLeak(s, [canary('sel'), canary('laterclass')]);
  });

  it('random mutations around ignored nodes converge (seeded)', async () => {
    const sharer = await createSharer({ html: `<!DOCTYPE html><body><div id="r1"></div><div id="r2"></div></body>` });
    const s = await startSession(sharer);
    const { doc } = sharer;
    const rand = prng(7);
    const roots = [doc.getElementById('r1')!, doc.getElementById('r2')!];
    const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
    const all = () => roots.flatMap((r) => [...r.querySelectorAll('*')] as Element[]);
    for (let step = 0; step < 40; step++) {
      for (let k = 0; k < 5; k++) {
        const nodes = all();
        const r = rand();
        const target = pick([...roots, ...nodes]);
        if (r < 0.35 || nodes.length < 4) {
          const el = doc.createElement(rand() < 0.5 ? 'span' : 'div');
          el.textContent = `n${step}.${k}`;
          if (rand() < 0.25) el.setAttribute('data-cobrowse-ignore', '');
          const ref = pick([null, ...Array.from(target.childNodes)]);
          target.insertBefore(el, ref);
        } else if (r < 0.6) {
          const el = pick(nodes);
          const dest = pick(roots);
          if (!el.contains(dest)) dest.insertBefore(el, pick([null, ...Array.from(dest.childNodes)]));
        } else if (r < 0.75) {
          pick(nodes).toggleAttribute('data-cobrowse-ignore');
        } else if (r < 0.85) {
          pick(nodes).remove();
        } else {
          pick(nodes).append(`t${step}`);
        }
      }
      await expectSameWithoutIgnored(s, `step ${step}`);
    }
  });
});
