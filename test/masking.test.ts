// Masking: canary strings placed in every masked position never appear in any frame (raw bytes of every
// frame, and of a resync snapshot), and the mirror shows placeholders there.
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { typeKeys } from './helpers/commands.js';
import { FrameKind } from '../src/protocol/constants.js';
import { cleanup, countBytes, createSharer, mirrorOf, startSession, typeInto, type Session } from './helpers/harness.js';

afterEach(cleanup);

const enc = new TextEncoder();
const token = Math.random().toString(36).slice(2, 10).toUpperCase();
const canaries: string[] = [];
/** A unique string for one masked position. */
function canary(pos: string): string {
  const c = `CANARY${token}${pos.replace(/\W/g, '')}`;
  canaries.push(c);
  return c;
}
/**
 * Unmasked markers beside the secrets, the positive control of the search: one in the page's first
 * snapshot, one written by `change` in the same batch as the secret changes. If the search (or the
 * frames it reads) were broken, finding no canary would prove nothing; these must be found.
 */
interface Control {
  snapshot: string;
  delta: string;
  html: string;
  change(doc: Document): void;
}
function control(): Control {
  const snapshot = `SHOWN${token}snap${canaries.length}`;
  const delta = `SHOWN${token}delta${canaries.length}`;
  const html = `<p id="shown">${snapshot}</p>`;
  return { snapshot, delta, html, change: (doc) => void (doc.getElementById('shown')!.textContent = delta) };
}
/** The frames (index and kind) that hold `text`. */
function framesWith(s: Session, text: string): string[] {
  const needle = enc.encode(text);
  return s.frames.flatMap((f, i) => (countBytes(f, needle) ? [`${i}:${f[1] === FrameKind.Snapshot ? 'snapshot' : 'delta'}`] : []));
}
/** Each canary's bytes: 0 occurrences in every frame, after a resync snapshot too; the controls are found. */
async function assertNoLeak(s: Session, list: string[], shown: Control): Promise<void> {
  await s.settle();
  s.handle.resync();
  await s.settle();
  const last = `${s.frames.length - 1}:snapshot`;
  assertEqual(framesWith(s, shown.snapshot), ['0:snapshot'], 'control: unmasked text of the first snapshot found');
  const delta = framesWith(s, shown.delta);
  assert(
    delta.length === 2 && delta[0]!.endsWith(':delta') && delta[1] === last,
    `control: unmasked text written with the changes found in a delta and the resync snapshot: ${delta.join()}`,
  );
  const leaks: string[] = [];
  for (const c of list) for (const at of framesWith(s, c)) leaks.push(`${c} in frame ${at}`);
  assertEqual(leaks, [], 'masked data in frames');
}
const stars = (s: string) => s.replace(/\S/gu, '*');

describe('masking', () => {
  it('masked text (selector and data-cobrowse-mask), snapshot and changes', async () => {
    const c1 = canary('sel');
    const c2 = canary('attr');
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<p class="secret" id="p1">${c1} text</p><div data-cobrowse-mask><span id="p2">${c2}</span><input id="in" value="${canary('inputattr')}"><textarea id="ta">${canary('textarea')}</textarea><select id="sel"><option>${canary('option')}</option></select></div><p id="pub">public text</p></body>`,
    });
    const s = await startSession(sharer, { mask: { text: '.secret' } });
    const { doc } = sharer;
    assertEqual(mirrorOf(s, doc.getElementById('p1')!.firstChild!)!.textContent, stars(`${c1} text`), 'masked text placeholder');
    assertEqual(mirrorOf(s, doc.getElementById('pub')!)!.textContent, 'public text', 'unmasked text shown');
    const c3 = canary('changed');
    (doc.getElementById('p1')!.firstChild as Text).data = c3;
    doc.getElementById('p2')!.textContent = canary('textContent');
    doc.getElementById('p2')!.insertAdjacentHTML('beforeend', `<b>${canary('innerhtml')}</b>`);
    typeInto(doc.getElementById('in') as HTMLInputElement, canary('typed'));
    (doc.getElementById('ta') as HTMLTextAreaElement).value = canary('taset');
    (doc.getElementById('in') as HTMLInputElement).setAttribute('value', canary('setattr'));
    shown.change(doc);
    await s.settle();
    assertEqual(mirrorOf(s, doc.getElementById('p1')!.firstChild!)!.textContent, stars(c3), 'changed text masked');
    await assertNoLeak(s, canaries, shown);
  });

  it('text-bearing attributes inside a masked subtree (title, alt, aria-label, placeholder)', async () => {
    const list = ['title', 'alt', 'aria', 'placeholder'].map(canary);
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<div data-cobrowse-mask><span title="${list[0]}">x</span><img alt="${list[1]}"><b aria-label="${list[2]}">y</b><input placeholder="${list[3]}"></div></body>`,
    });
    const s = await startSession(sharer);
    sharer.doc.querySelector('span')!.setAttribute('title', canary('titlelater'));
    shown.change(sharer.doc);
    await assertNoLeak(s, [...list, canaries[canaries.length - 1]!], shown);
  });

  it('blocked subtrees: placeholder of the same size, nothing inside, mutations not captured', async () => {
    const inside = ['blocksel', 'blockattr', 'blockinput', 'blockshadow'].map(canary);
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<div class="blocked" id="b1" style="width:120px;height:50px">${inside[0]}<input value="${inside[2]}"></div><section data-cobrowse-block id="b2" style="width:80px;height:30px;margin:7px 0 13px" title="${inside[1]}"><p style="margin:0">inner</p></section><p id="after">after</p></body>`,
    });
    sharer.doc.getElementById('b2')!.querySelector('p')!.attachShadow({ mode: 'open' }).innerHTML = `<b>${inside[3]}</b>`;
    const s = await startSession(sharer, { mask: { block: '.blocked' } });
    for (const id of ['b1', 'b2']) {
      const el = sharer.doc.getElementById(id)!;
      const m = mirrorOf(s, el) as Element;
      assert(m, `placeholder for #${id}`);
      assertEqual(m.childNodes.length, 0, `nothing inside #${id}'s placeholder`);
      assertEqual(Math.round(m.getBoundingClientRect().width), Math.round(el.getBoundingClientRect().width), `#${id} width`);
      assertEqual(Math.round(m.getBoundingClientRect().height), Math.round(el.getBoundingClientRect().height), `#${id} height`);
      assertEqual(Math.round(m.getBoundingClientRect().top), Math.round(el.getBoundingClientRect().top), `#${id} top (margins kept)`);
    }
    // (a child's margin collapsing through the blocked element is not reproduced: the placeholder is
    // empty — a known limit, hence the inner <p> without margins)
    const after = sharer.doc.getElementById('after')!;
    assertEqual(
      Math.round((mirrorOf(s, after) as Element).getBoundingClientRect().top),
      Math.round(after.getBoundingClientRect().top),
      'layout after a placeholder',
    );
    const before = s.frames.length;
    sharer.doc.getElementById('b1')!.appendChild(sharer.doc.createElement('i')).textContent = canary('blocklater');
    (sharer.doc.getElementById('b1')!.querySelector('input') as HTMLInputElement).value = canary('blockvalue');
    await s.settle();
    assertEqual(s.frames.length, before, 'changes inside a blocked subtree produce no frame (not observed)');
    shown.change(sharer.doc);
    await assertNoLeak(s, [...inside, ...canaries.slice(-2)], shown);
  });

  it('sensitive fields stay masked: password, cc-number, one-time-code, new/current-password, even with unmask and inputs:none', async () => {
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<input type="password" id="pw"><input autocomplete="cc-number" id="cc"><input autocomplete="one-time-code" id="otp"><input type="password" autocomplete="new-password" id="np" data-cobrowse-unmask><input autocomplete="current-password" id="cp" value="${canary('cpattr')}"></body>`,
    });
    const s = await startSession(sharer, { mask: { inputs: 'none', unmask: '#np' } });
    const { doc } = sharer;
    const pw = doc.getElementById('pw') as HTMLInputElement;
    pw.focus();
    const typed = canary('pwtyped');
    await typeKeys(typed, pw);
    assertEqual(pw.value, typed, 'typed into the password field');
    (doc.getElementById('cc') as HTMLInputElement).value = canary('ccset');
    typeInto(doc.getElementById('otp') as HTMLInputElement, canary('otptyped'));
    typeInto(doc.getElementById('np') as HTMLInputElement, canary('nptyped'));
    doc.getElementById('cp')!.setAttribute('value', canary('cpattr2'));
    shown.change(doc);
    await s.settle();
    const mpw = mirrorOf(s, pw)!;
    assert(!mpw.value.includes(token), 'mirror password value masked');
    await assertNoLeak(
      s,
      canaries.filter((c) => /pw|cc|otp|np|cp/.test(c.slice(14))),
      shown,
    );
  });

  it("inputs: 'all' masks every field, data-cobrowse-unmask shows one", async () => {
    const c = canary('allinput');
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<input id="a" value="${c}"><textarea id="t"></textarea><input id="u" data-cobrowse-unmask></body>`,
    });
    const s = await startSession(sharer, { mask: { inputs: 'all' } });
    typeInto(sharer.doc.getElementById('t') as HTMLTextAreaElement, canary('alltyped'));
    typeInto(sharer.doc.getElementById('u') as HTMLInputElement, 'visible');
    shown.change(sharer.doc);
    await s.settle();
    assertEqual(mirrorOf(s, sharer.doc.getElementById('u') as HTMLInputElement)!.value, 'visible', 'unmasked field shown');
    assertEqual(mirrorOf(s, sharer.doc.getElementById('a') as HTMLInputElement)!.value, stars(c), 'masked field placeholder');
    await assertNoLeak(s, [c, canaries[canaries.length - 1]!], shown);
  });

  it('masked subtree: nodes moved in and out, text changed, rule matching only after a class change', async () => {
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<div class="secret" id="m"><span id="stay">stays</span></div><div id="out"><span id="mover">mover</span></div><p id="later">public first</p></body>`,
    });
    const s = await startSession(sharer, { mask: { text: '.secret' } });
    const { doc } = sharer;
    const m = doc.getElementById('m')!;
    // moved in, then text changed to a canary
    const mover = doc.getElementById('mover')!;
    m.appendChild(mover);
    mover.textContent = canary('movedin');
    // created outside in the same task then moved in
    const fresh = doc.body.appendChild(doc.createElement('b'));
    fresh.textContent = canary('freshmovedin');
    m.appendChild(fresh);
    await s.settle();
    // moved out: no longer masked (its own text shows); what stays inside stays masked
    const stay = doc.getElementById('stay')!;
    stay.textContent = canary('stays');
    const leaving = doc.createElement('i');
    leaving.textContent = 'leaving';
    m.appendChild(leaving);
    await s.settle();
    doc.body.appendChild(leaving);
    await s.settle();
    assertEqual(mirrorOf(s, leaving)!.textContent, 'leaving', 'moved out: shown');
    // the whole masked element moved elsewhere: still masked
    doc.getElementById('out')!.appendChild(m);
    stay.textContent = canary('afterparentmove');
    // class change makes the rule match
    const later = doc.getElementById('later')!;
    later.className = 'secret';
    await s.settle();
    assertEqual(mirrorOf(s, later.firstChild!)!.textContent, stars('public first'), 're-masked after a class change');
    (later.firstChild as Text).data = canary('afterclass');
    doc.getElementById('out')!.setAttribute('data-cobrowse-mask', '');
    doc.getElementById('out')!.appendChild(doc.createTextNode(canary('maskattrlater')));
    shown.change(doc);
    await assertNoLeak(
      s,
      canaries.filter((c) => /movedin|stays|afterparentmove|afterclass|maskattrlater/.test(c)),
      shown,
    );
  });
  it('an element unblocked in the same batch as changes inside it is written again whole (found by the masking property test)', async () => {
    // the viewer had only the placeholder: a change written inside it on its own named nodes the
    // viewer never had, so the mirror rejected the frame (seed 689941640 of masking-property)
    const sharer = await createSharer({
      html: '<!DOCTYPE html><body><div id="b" class="blocked"><p id="p">inside</p><input id="f"></div><div id="o"><span id="s">moved</span></div></body>',
    });
    const s = await startSession(sharer, { mask: { block: '.blocked' } });
    const { doc } = sharer;
    const b = doc.getElementById('b')!;
    doc.getElementById('f')!.setAttribute('alt', 'changed inside');
    doc.getElementById('p')!.textContent = 'text changed inside';
    b.appendChild(doc.getElementById('s')!);
    b.classList.remove('blocked');
    await s.settle(); // throws if the mirror rejected a frame
    const m = mirrorOf(s, b) as Element;
    assertEqual(m.querySelector('#p')?.textContent, 'text changed inside', 'the unblocked element shows its content');
    assertEqual(m.querySelector('#f')?.getAttribute('alt'), 'changed inside');
    assertEqual(m.querySelector('#s')?.textContent, 'moved', 'a node moved in during the same batch');
    assertEqual(s.mirror.document!.getElementById('o')!.children.length, 0, 'and gone from where it was');
  });

  it('what one delta learned about ancestors is forgotten when masking can change: a mark, a move, a textarea made private', async () => {
    // each change below comes in a delta of its own, after deltas that wrote text at the same place
    // unmasked (the capture keeps what it learned about the ancestors from delta to delta)
    const shown = control();
    const sharer = await createSharer({
      html: `<!DOCTYPE html><body>${shown.html}<div id="a"><p id="pa">a</p></div><div id="m" data-cobrowse-mask><p id="pm">m</p></div><div id="b"><p id="pb">b</p></div><textarea id="ta">t</textarea><div id="f"><input id="in1"></div><input id="in2"></body>`,
    });
    const s = await startSession(sharer);
    const { doc } = sharer;
    const text = (id: string, t: string) => void (doc.getElementById(id)!.firstChild!.nodeValue = t);
    const list: string[] = [];
    const write = async (id: string, secret: boolean) => {
      const t = secret ? canary(id) : `shown ${id} ${Math.random()}`;
      if (secret) list.push(t);
      text(id, t);
      await s.settle();
    };
    await write('pa', false);
    doc.getElementById('a')!.setAttribute('data-cobrowse-mask', ''); // a mark on an ancestor
    await s.settle();
    await write('pa', true);
    await write('pb', false);
    doc.getElementById('m')!.append(doc.getElementById('b')!); // a move under a masked ancestor
    await s.settle();
    await write('pb', true);
    await write('ta', false);
    doc.getElementById('ta')!.setAttribute('autocomplete', 'cc-number'); // a textarea made private
    await s.settle();
    await write('ta', true);
    // a field's value, the same three ways it becomes masked (the form watcher keeps its answer too)
    const field = async (id: string, secret: boolean) => {
      const t = secret ? canary(id) : `shown ${id} ${Math.random()}`;
      if (secret) list.push(t);
      typeInto(doc.getElementById(id) as HTMLInputElement, t);
      await s.settle();
    };
    await field('in1', false);
    doc.getElementById('f')!.setAttribute('data-cobrowse-mask', '');
    await s.settle();
    await field('in1', true);
    await field('in2', false);
    doc.getElementById('m')!.append(doc.getElementById('in2')!);
    await s.settle();
    await field('in2', true);
    shown.change(doc);
    await assertNoLeak(s, list, shown);
  });
});
