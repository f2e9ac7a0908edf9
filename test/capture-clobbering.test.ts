// Capture on a page whose own markup clobbers the DOM members the capture reads (DOM clobbering:
// [LegacyOverrideBuiltIns] named properties of Document and HTMLFormElement): `<img name="nodeType">`
// shadows `document.nodeType`, `<input name="localName">` shadows `form.localName`. The capture reads
// through the prototypes (src/dom/safe-dom.ts, src/capture/dom.ts); before, such pages stopped their
// own sharing (the capture threw, or wrote a frame the mirror rejected) or were mirrored wrong (base
// URL, form scroll). test/hardening/xss-sandbox checks the 39 vectors of the corpus one by one; this is
// the quick check in npm test, with every member name at once, the capture running in the test's
// realm (ESM) and in the page's own realm (the IIFE bundle, where `document` is the clobbered page).
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { cleanup, countBytes, createSharer, startSession, Session, type Sharer } from './helpers/harness.js';
import { capture } from '../src/index.js';
import { FrameDecoder, NodeKind, OpCode, type Frame, type Op } from '../src/protocol/index.js';

afterEach(cleanup);

/** Every property name on a prototype chain (Object.prototype's too: `__proto__`, `constructor`). */
function memberNames(proto: object | null): string[] {
  const names = new Set<string>();
  for (let p = proto; p; p = Object.getPrototypeOf(p) as object | null) for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  return [...names].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).sort();
}

// the test reads the page through the prototypes too: its document and forms are clobbered
const get = <T>(proto: object, name: string, o: object): T => Object.getOwnPropertyDescriptor(proto, name)!.get!.call(o) as T;
const byId = (d: Document, id: string): HTMLElement => Document.prototype.getElementById.call(d, id) as HTMLElement;
const textOf = (n: Node): string => get<string>(Node.prototype, 'textContent', n);
const setText = (n: Node, s: string): void => Object.getOwnPropertyDescriptor(Node.prototype, 'textContent')!.set!.call(n, s);
const create = (d: Document, name: string): HTMLElement => Document.prototype.createElement.call(d, name) as HTMLElement;
const append = (p: Node, c: Node): void => void Node.prototype.appendChild.call(p, c);
const body = (d: Document): HTMLElement => get<HTMLElement>(Document.prototype, 'body', d);

const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">';

function page(bundle: boolean): string {
  const imgs = memberNames(Document.prototype)
    .map((n) => `<img name="${n}" alt="">`)
    .join('');
  const controls = memberNames(HTMLFormElement.prototype)
    .map((n) => `<input name="${n}" value="v">`)
    .join('');
  return (
    `${DOCTYPE}<html><head><title>t</title>${bundle ? '<script src="/dist/cobrowse-rtc.iife.js"></script>' : ''}</head><body>${imgs}` +
    `<a id="rel" href="rel-page.html">rel</a>` +
    `<form id="f" style="height:60px;overflow:auto">${controls}<input type="radio" name="r" id="r1" checked><input type="radio" name="r" id="r2">` +
    `<input id="t" value="v0"><p id="in">inside</p><div style="height:400px"></div></form>` +
    `<form class="blocked" style="width:70px;height:30px">${controls}</form>` +
    `<div id="host"></div><p id="out">out</p></body></html>`
  );
}

function decode(s: Session): Frame[] {
  const dec = new FrameDecoder();
  return s.frames.map((f) => {
    const frame = dec.decode(f);
    dec.commit();
    return frame;
  });
}
const opsOf = <C extends OpCode>(frames: Frame[], code: C) =>
  frames.flatMap((f) => f.ops.filter((o) => o.op === code)) as Extract<Op, { op: C }>[];

async function exercise(sharer: Sharer, start: (s: Session) => void): Promise<void> {
  const d = sharer.doc;
  const form = byId(d, 'f') as HTMLFormElement;
  // the clobbering is real: these names are the page's elements, not the DOM's members
  assert((d as unknown as Record<string, unknown>).nodeType instanceof sharer.win.HTMLImageElement, 'document.nodeType is clobbered');
  assert((d as unknown as Record<string, unknown>).baseURI instanceof sharer.win.HTMLImageElement, 'document.baseURI is clobbered');
  assert((form as unknown as Record<string, unknown>).localName instanceof sharer.win.HTMLInputElement, 'form.localName is clobbered');
  assert((form as unknown as Record<string, unknown>).scrollTop instanceof sharer.win.HTMLInputElement, 'form.scrollTop is clobbered');

  const thrown: string[] = [];
  const onError = (e: Event) => void thrown.push(String((e as ErrorEvent).message));
  for (const w of [window, sharer.win]) EventTarget.prototype.addEventListener.call(w, 'error', onError);
  const s = new Session(sharer, { mask: { text: '.secret', ignore: '.overlay', block: '.blocked' } });
  start(s);
  await s.settle();
  const mirrored = (id: string): string => {
    const md = s.mirror.document;
    const el = md && Document.prototype.getElementById.call(md, id);
    return el ? textOf(el) : '';
  };
  assertEqual(mirrored('in'), 'inside', 'snapshot: the form is mirrored');
  const placeholder = Document.prototype.querySelector.call(s.mirror.document!, '[data-cobrowse-blocked]') as HTMLElement | null;
  assertEqual(placeholder?.style.width, '70px', 'the blocked form: a placeholder of its size');

  // changes inside the form and on it; the form moved, detached and back a task later, and a
  // clobbered form in a shadow root
  Element.prototype.setAttribute.call(form, 'data-x', '1');
  const b = create(d, 'b');
  setText(b, 'added');
  append(form, b);
  setText(byId(d, 'in'), 'changed');
  await s.settle();
  assertEqual(mirrored('f').includes('changed') && mirrored('f').includes('added'), true, 'changes inside the form are mirrored');
  append(byId(d, 'host'), form);
  await s.settle();
  Element.prototype.remove.call(form);
  await s.settle();
  append(body(d), form);
  await s.settle();
  assertEqual(mirrored('f').includes('changed'), true, 'the form came back');
  const root = (sharer.win.Element.prototype.attachShadow as typeof Element.prototype.attachShadow).call(byId(d, 'host'), { mode: 'open' });
  const inner = create(d, 'form');
  Element.prototype.setAttribute.call(inner, 'id', 'inner');
  append(root, inner);
  for (const n of memberNames(HTMLFormElement.prototype)) {
    const input = create(d, 'input');
    Element.prototype.setAttribute.call(input, 'name', n);
    append(inner, input);
  }
  await s.settle();

  // state: typing, the form reset, a radio of the form, focus, then the form's scroll
  const t = byId(d, 't') as HTMLInputElement;
  Object.getOwnPropertyDescriptor(sharer.win.HTMLInputElement.prototype, 'value')!.set!.call(t, 'typed');
  await s.settle();
  (sharer.win.HTMLFormElement.prototype.reset as () => void).call(form);
  await s.settle();
  const r2 = byId(d, 'r2') as HTMLInputElement;
  r2.click();
  HTMLElement.prototype.focus.call(r2);
  await s.settle();
  Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop')!.set!.call(form, 50);
  await new Promise((r) => setTimeout(r, 100)); // scroll events come with the next frame
  await s.settle();

  // still sharing: a change after all of it reaches the mirror
  setText(byId(d, 'out'), 'after');
  await s.settle();
  for (const w of [window, sharer.win]) EventTarget.prototype.removeEventListener.call(w, 'error', onError);
  assertEqual(mirrored('out'), 'after', 'a change after the rest is mirrored');
  assertEqual(thrown, [], 'errors thrown while capturing');

  // and mirrored right: what the capture read through the clobbered names
  const frames = decode(s);
  const meta = opsOf(frames, OpCode.Meta)[0];
  assertEqual(meta?.url, get<string>(Document.prototype, 'URL', d), 'META: the document URL');
  const docNode = opsOf(frames, OpCode.Tree)[0]!.nodes[0]!;
  assert(docNode.kind === NodeKind.Document, 'the snapshot starts with the document');
  assertEqual(docNode.mode, 'limited-quirks', 'the document mode (from its doctype)');
  const absolute = new URL('rel-page.html', get<string>(Node.prototype, 'baseURI', d)).href;
  assertEqual(
    countBytes(s.frames[0]!, new TextEncoder().encode(absolute)),
    1,
    `relative href made absolute against the base (${absolute})`,
  );
  const formId = opsOf(frames, OpCode.Scroll).find((o) => o.y === 50);
  assert(formId, `the form's scroll (SCROLL ops: ${JSON.stringify(opsOf(frames, OpCode.Scroll))})`);
  assert(opsOf(frames, OpCode.Checked).length > 0, 'the radio change');
  const values = opsOf(frames, OpCode.Value).map((o) => o.value);
  assert(
    values[0] === 'typed' && values.includes('v0'),
    `VALUE: typed, then the form reset writes every control (${values.slice(0, 3).join()}…)`,
  );
  s.dispose();
}

describe('capture under DOM clobbering', () => {
  it('a page clobbering every Document and form member: the capture (test realm) keeps sharing and mirrors it right', async () => {
    const sharer = await createSharer({ html: page(false) });
    await exercise(sharer, (s) => s.start());
  });

  it('the same page capturing itself (the IIFE in its realm, batched per animation frame)', async () => {
    const sharer = await createSharer({ html: page(true) });
    const own = (sharer.win as unknown as { CobrowseRTC?: { capture: typeof capture } }).CobrowseRTC;
    assert(own, 'the IIFE bundle loaded in the page (run npm run build)');
    await exercise(sharer, (s) => s.start(sharer.doc, (doc, options) => own.capture(doc, { ...options, batch: 'animation-frame' })));
  });
});
