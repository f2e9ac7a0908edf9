// <cobrowse-viewer> over real sessions (a loopback pair; the sharer is a page in an iframe, shared
// from this realm as in session.test.ts): the page shown, the status bar (state, code, page, latency,
// progress), fit vs actual, the agent's pointer and clicks arriving at the sharer at the right
// coordinates, the customer's cursor coalesced per frame, ending, one session at a time, ended
// reasons, Japanese, the live region, the keyboard and ::part styling.
import {
  createChatSignaling,
  createLoopbackPair,
  enableRemoteControl,
  resumeSharing,
  startSharing,
  type SharingSession,
  type Transport,
} from '../src/index.js';
import { chatRoom } from './helpers/chat-room.js';
import { CobrowseViewer, PING_MS, type ViewerStateDetail } from '../src/elements/viewer/define.js';
import { CursorOverlay, CURSOR_EASE_MS } from '../src/mirror/cursor.js';
import { controlMessage, endedMessage, refusalMessage, viewerStrings } from '../src/elements/strings/viewer.js';
import { REFUSAL_TEXT, refusalText } from '../src/control/actions.js';
import { toSharerViewport } from '../src/elements/viewer/pointer.js';
import { afterEach, assert, assertEqual, assertNoDiffs, describe, it } from './helpers/assert.js';
import { needsWebRTC, viewerSideSkipIn } from './helpers/engine.js';
import { inTop, open } from './helpers/element-fixture.js';
import { resetMouse, sendKeys, sendMouse } from './helpers/commands.js';
import { compareDocuments } from './helpers/compare.js';
import { cleanup, createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { approveEveryViewer } from './helpers/approval.js';

const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';
const OTHER_SECRET = 'b3RoZXItc2VjcmV0LTk4NzY1NDM';
const PAGE = `<!doctype html><html><head><style>body{margin:0}.hot{color:red}</style></head><body>
  <h1 id="title">Kumo Tea</h1><ul id="list"><li>Sencha</li><li class="hot">Matcha</li></ul>
  <input id="name" value="Ann"><input id="card" type="password" value="4111 1111 1111 1111">
  <div style="height:2000px">tall</div></body></html>`;
const masked = (node: Node) => (node as Element).id === 'card';

/** A viewer element to the right of the sharer (which the harness puts at 0,0, 480×360). */
function viewer(width = 242, attrs: Record<string, string> = {}): CobrowseViewer {
  const el = new CobrowseViewer();
  el.style.cssText = `position:absolute;left:500px;top:0;width:${width}px;height:420px;z-index:2`;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return inTop(el);
}

const shadow = (el: Element) => el.shadowRoot!;
const part = (el: Element, name: string) => shadow(el).querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: Element, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

async function share(sharer: Sharer, transport: Transport): Promise<SharingSession> {
  const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport, secret: SECRET });
  open.push(sharing);
  return sharing;
}

/** Sharer + element over a loopback pair, connected. */
async function connect(el: CobrowseViewer, sharer: Sharer, secret = SECRET) {
  const [a, b] = createLoopbackPair();
  const sharing = await share(sharer, a);
  const viewing = await el.start({ transport: b, secret });
  open.push(viewing);
  return { sharing, viewing };
}

function events<T>(target: EventTarget, type: string): T[] {
  const seen: T[] = [];
  target.addEventListener(type, (e) => seen.push((e as CustomEvent<T>).detail));
  return seen;
}

/** Equal to the wire's precision (a tenth of a CSS pixel). */
function assertNear(got: { x: number; y: number }, want: { x: number; y: number }, tolerance = 0.051): void {
  assert(
    Math.abs(got.x - want.x) <= tolerance && Math.abs(got.y - want.y) <= tolerance,
    `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`,
  );
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

describe('<cobrowse-viewer>: empty state', () => {
  it('says it is waiting for the customer, End session disabled, no code', async () => {
    const el = viewer();
    await el.updateComplete;
    assertEqual(el.state, 'idle');
    assertEqual(text(el, 'message'), 'No co-browse session. Ask the customer to share their page: it appears here once they allow it.');
    assertEqual(text(el, 'state'), 'No co-browse session');
    assertEqual(part(el, 'code'), null);
    const end = part(el, 'end-button') as HTMLButtonElement;
    assertEqual(end.localName, 'button');
    assert(end.disabled, 'nothing to end');
    assertEqual(el.session, null);
  });

  it('start() without a way to connect rejects and leaves nothing behind', async () => {
    const el = viewer();
    await el.updateComplete;
    let error: unknown = null;
    await el.start({ secret: SECRET }).catch((e: unknown) => (error = e));
    assert(error instanceof TypeError, `a TypeError, got ${String(error)}`);
    assertEqual(el.state, 'idle');
    assertEqual(part(el, 'view')!.children.length, 0);
  });
});

describe('<cobrowse-viewer> over a session', () => {
  it('shows the page, the state and the code; fires cobrowse-state and cobrowse-sas', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    const states = events<ViewerStateDetail>(el, 'cobrowse-state');
    const codes = events<string>(document, 'cobrowse-sas'); // bubbles and is composed
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    assert(shadow(el).contains(viewing.mirror.iframe), 'the mirror is inside the element');
    assertNoDiffs(compareDocuments(sharer.doc, viewing.mirror.document, { mirror: viewing.mirror, skip: masked }));
    assertEqual(el.state, 'connected');
    assertEqual(text(el, 'state'), 'Connected');
    assert(/^\d{6}$/.test(text(el, 'code') ?? ''), `a 6-digit code: ${text(el, 'code')}`);
    assertEqual(text(el, 'code'), sharing.sas, 'the customer sees the same code');
    assertEqual(codes, [sharing.sas!]);
    assertEqual(states, [
      { state: 'connecting', message: 'Connecting…' },
      { state: 'connected', message: 'Connected' },
    ]);
    assert(part(el, 'message')!.hidden && getComputedStyle(part(el, 'message')!).display === 'none', 'no message over a live page');
    assert(!(part(el, 'end-button') as HTMLButtonElement).disabled, 'End session is enabled');
    // the page keeps following
    sharer.doc.getElementById('title')!.textContent = 'Kumo Tea — sale';
    await waitFor(() => viewing.mirror.document?.getElementById('title')?.textContent === 'Kumo Tea — sale', 4000, 'the change');
  });

  it('control: Ask for control → Asking… → Give back control; each refusal and end in plain words', async () => {
    enableRemoteControl(); // the customer's side: cobrowse-rtc/sharer does this when it loads
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    const button = () => part(el, 'control-button') as HTMLButtonElement;
    const asked: string[] = [];
    sharing.on('controlrequest', (r) => asked.push(r.id));
    assertEqual(button().textContent!.trim(), 'Ask for control');
    button().click();
    await waitFor(() => asked.length === 1, 4000, 'the customer is asked');
    await el.updateComplete;
    assertEqual(button().textContent!.trim(), 'Asking the customer…');
    assert(button().disabled, 'one request at a time');
    sharing.denyControl(asked[0]!);
    await waitFor(() => text(el, 'control-note') === 'The customer said no to control.', 4000, 'the refusal, in words');
    button().click();
    await waitFor(() => asked.length === 2, 4000, 'asked again');
    sharing.grantControl(asked[1]!);
    await waitFor(() => button().textContent!.trim() === 'Give back control', 4000, 'granted');
    assertEqual(button().getAttribute('aria-pressed'), 'true');
    assert(text(el, 'control-note')!.startsWith('You control the page.'), text(el, 'control-note')!);
    sharing.revokeControl();
    await waitFor(() => text(el, 'control-note') === 'The customer took back control.', 4000, 'taken back, in words');
    assertEqual(button().textContent!.trim(), 'Ask for control');
    button().click();
    await waitFor(() => asked.length === 3, 4000, 'asked a third time');
    sharing.grantControl(asked[2]!);
    await waitFor(() => viewing.control === 'granted', 4000, 'granted again');
    await el.updateComplete;
    button().click(); // Give back control
    await waitFor(() => sharing.controller === null, 4000, 'given back');
  });

  it("under control: the agent's real clicks, keys and wheel over the view act on the customer's page; a private field says why not", async () => {
    enableRemoteControl();
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(480, { scale: 'actual' });
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    sharing.on('controlrequest', (r) => sharing.grantControl(r.id));
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    await el.updateComplete;
    /** The top page's point over the mirrored element (scale 1: actual). */
    const over = (id: string): [number, number] => {
      const box = viewing.mirror.iframe.getBoundingClientRect();
      const r = viewing.mirror.document!.getElementById(id)!.getBoundingClientRect();
      return [Math.round(box.left + r.left + r.width / 2), Math.round(box.top + r.top + r.height / 2)];
    };
    const name = sharer.doc.getElementById('name') as HTMLInputElement;
    await sendMouse({ type: 'click', position: over('name') });
    await waitFor(() => sharer.doc.activeElement === name, 4000, 'the customer’s field focused by the agent’s click');
    await sendKeys({ press: 'End' });
    await sendKeys({ type: 'e!' });
    await waitFor(() => name.value === 'Anne!', 4000, `typed on the customer's page (now "${name.value}")`);
    await waitFor(() => (viewing.mirror.document!.getElementById('name') as HTMLInputElement).value === 'Anne!', 4000, 'and mirrored');
    await sendMouse({ type: 'move', position: over('title') });
    const before = sharer.win.scrollY;
    const view = part(el, 'view')!;
    const [x, y] = over('title');
    view.dispatchEvent(new WheelEvent('wheel', { deltaY: 120, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    await waitFor(() => sharer.win.scrollY === before + 120, 4000, 'the customer’s page scrolled by the wheel');
    await waitFor(() => viewing.mirror.document!.scrollingElement!.scrollTop === before + 120, 4000, 'and the mirror with it');
    // the password field is private to the customer: the agent reads why, the field is untouched
    view.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    await waitFor(() => sharer.win.scrollY === before, 4000, 'back up');
    // the click is aimed in the mirror's layout: wait until the mirror is back up too (under load it
    // lagged, and the click landed beside the card field: seen once in WebKit in a three-engine run)
    await waitFor(() => viewing.mirror.document!.scrollingElement!.scrollTop === before, 8000, 'and the mirror with it');
    await sendMouse({ type: 'click', position: over('card') });
    await waitFor(() => text(el, 'control-note') === 'This field is private to the customer.', 8000, 'the refusal in words');
    assert(sharer.doc.activeElement !== sharer.doc.getElementById('card'), 'never focused');
    await resetMouse();
  });

  it("drawing: the agent's Pen draws on the customer's page in page coordinates; the customer's strokes show over the view; Clear", async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(480, { scale: 'actual' });
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    sharer.win.scrollTo(0, 100);
    await waitFor(() => viewing.mirror.document!.scrollingElement!.scrollTop === 100, 4000, 'the mirror scrolled');
    const got: number[][] = [];
    sharing.on('ink', (s) => got.push(s.points));
    (part(el, 'pen-button') as HTMLButtonElement).click();
    await el.updateComplete;
    assertEqual(part(el, 'pen-button')!.getAttribute('aria-pressed'), 'true');
    const box = viewing.mirror.iframe.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.left + 40), Math.round(box.top + 50)] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [Math.round(box.left + 90), Math.round(box.top + 50)] });
    await sendMouse({ type: 'up' });
    await waitFor(() => got.flat().length >= 4, 4000, 'the stroke on the customer’s side');
    const points = got.flat();
    // viewport (40, 50) of the customer + its scroll (0, 100) = page (40, 150), at scale 1
    assert(Math.abs(points[0]! - 40) <= 1 && Math.abs(points[1]! - 150) <= 1, `page coordinates: ${points.join(',')}`);
    // the customer draws: the stroke shows over the view, where the page shows it
    sharing.ink({ id: 9, points: [200, 200, 260, 200], end: true });
    await waitFor(
      () => !!shadow(el).querySelector('[part~="stroke"][data-author="customer"]'),
      4000,
      'the customer’s stroke over the view',
    );
    const stroke = shadow(el).querySelector('[part~="stroke"][data-author="customer"]')!.getBoundingClientRect();
    assert(
      Math.abs(stroke.left - (box.left + 200)) < 4 && Math.abs(stroke.top - (box.top + 100)) < 4,
      `over page (200, 200): ${JSON.stringify(stroke)}`,
    );
    const cleared: string[] = [];
    sharing.on('inkclear', ({ viewer }) => cleared.push(viewer));
    (part(el, 'clear-ink') as HTMLButtonElement).click();
    await waitFor(() => cleared.length === 1, 4000, 'Clear reaches the customer');
    await resetMouse();
  });

  it('shows where the customer is (host + path) and the latency, measured every 2 s', async () => {
    const sharer = await createSharer({ url: '/test/fixtures/page.html?secret=1#x' });
    const el = viewer(400);
    const { viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    assertEqual(text(el, 'page'), `Customer is on ${location.host}/test/fixtures/page.html`);
    assertEqual(part(el, 'page')!.title, sharer.doc.URL, 'the full address on hover');
    await waitFor(async () => (await el.updateComplete, /^Delay \d+ ms · good$/.test(text(el, 'latency') ?? '')), 3000, 'the latency');
    // the pace, against the page's own timers (no clock reading): started at a pong, a timer of half
    // the interval fires before the next pong, and by a timer of three intervals two more have come
    const order: string[] = [];
    viewing.on('latency', () => order.push('pong'));
    await waitFor(() => order.length > 0, 10_000, 'a pong'); // a watchdog only
    order.length = 0;
    setTimeout(() => order.push('half'), PING_MS / 2);
    await new Promise((r) => setTimeout(r, PING_MS * 3));
    const pongs = order.filter((e) => e === 'pong').length;
    assertEqual(order[0], 'half', `no pong within half an interval (${PING_MS / 2} ms) of the last: ${order.join()}`);
    assert(pongs === 2 || pongs === 3, `a pong every ${PING_MS} ms: ${pongs} in three intervals (${order.join()})`);
    assert(/^Delay \d+ ms · (good|slow|bad)$/.test(text(el, 'latency') ?? ''), 'the latency still shows');
  });

  it('shows a progress bar while a large snapshot arrives, gone once the page is shown', async function () {
    await viewerSideSkipIn(
      this,
      'WebKit',
      'WebKitGTK renders no frame of the element between the snapshot’s records since the viewer bar’s layout by script (6ef51ef; undiagnosed), so the bar never shows there',
    );
    // text that compresses badly, so the snapshot spans several records
    let seed = 7;
    const noise = Array.from({ length: 2_500_000 }, () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) >>> 0) % 26))).join(
      '',
    );
    const sharer = await createSharer({ html: `<!doctype html><body><pre id="big">${noise}</pre></body>` });
    const el = viewer();
    await el.updateComplete;
    const values: number[] = [];
    // from the records, not the tree at callback time: under load (WebKit, three engines side by side)
    // the bar can come and go within one task before the observer's callback runs
    const isBar = (n: Node): n is HTMLProgressElement => n instanceof HTMLProgressElement && n.getAttribute('part') === 'progress';
    const watch = new MutationObserver((records) => {
      for (const r of records) {
        if (isBar(r.target)) values.push(r.target.value);
        for (const n of Array.from(r.addedNodes)) if (isBar(n)) values.push(n.value);
      }
      const bar = part(el, 'progress') as HTMLProgressElement | null;
      if (bar) values.push(bar.value);
    });
    watch.observe(shadow(el), { childList: true, subtree: true, attributes: true, characterData: true });
    const { viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    watch.disconnect();
    assert(values.length >= 1, 'the bar was shown');
    assert(
      values.some((v) => v > 0 && v < 1),
      `partial progress was shown: ${values.join(', ')}`,
    );
    assertEqual(part(el, 'progress'), null, 'gone once the page is there');
    assertEqual(viewing.mirror.document!.getElementById('big')!.textContent!.length, noise.length);
  });

  it("fit scales the page to the element's width keeping the aspect ratio; actual is 1:1 and scrolls", async () => {
    const sharer = await createSharer({ html: PAGE }); // viewport 480×360
    const el = viewer(242);
    const { viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    const iframe = viewing.mirror.iframe;
    const view = part(el, 'view')!;
    const stage = part(el, 'stage')!;
    const box = () => iframe.getBoundingClientRect();
    assertEqual(el.scale, 'fit');
    assert(Math.abs(box().width - view.clientWidth) < 0.5, `fit to the width: ${box().width} vs ${view.clientWidth}`);
    assert(box().width < 480 && box().width > 200, `scaled down: ${box().width}`);
    assert(Math.abs(box().height / box().width - 360 / 480) < 0.01, "the sharer's aspect ratio");
    assert(stage.scrollWidth <= stage.clientWidth, 'nothing to scroll sideways');

    el.setAttribute('scale', 'actual');
    await waitFor(() => Math.abs(box().width - 480) < 0.5, 2000, 'scale 1');
    assertEqual(el.scale, 'actual');
    assertEqual(box().height, 360);
    assert(stage.scrollWidth > stage.clientWidth, 'the view scrolls');

    el.scale = 'fit';
    await waitFor(() => Math.abs(box().width - view.clientWidth) < 0.5 && box().width < 480, 2000, 'back to fit');
    assertEqual(el.getAttribute('scale'), 'fit');
  });

  it("the agent's pointer and clicks reach the sharer in its viewport pixels (actual and fit)", async () => {
    const sharer = await createSharer({ html: PAGE });
    sharer.win.scrollTo(0, 500); // the sharer's scroll must not enter the sum: viewport pixels
    const el = viewer(242, { scale: 'actual' });
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    // within a pixel: Firefox snaps a scaled iframe's scroll position to device pixels (499.83 here)
    await waitFor(() => Math.abs((viewing.mirror.document?.defaultView?.scrollY ?? 0) - 500) < 1, 4000, 'the scroll');
    const pointers: { x: number; y: number }[] = [];
    const clicks: { x: number; y: number }[] = [];
    sharing.on('pointer', ({ x, y }) => pointers.push({ x, y }));
    sharing.on('click', ({ x, y }) => clicks.push({ x, y }));
    const box = () => viewing.mirror.iframe.getBoundingClientRect();
    await waitFor(() => Math.abs(box().width - 480) < 0.5, 2000, 'scale 1');
    part(el, 'stage')!.scrollLeft = 30; // our own scroll does enter it
    // actual: 1 CSS pixel = 1 CSS pixel
    let b = box();
    await sendMouse({ type: 'move', position: [Math.round(b.left + 100), Math.round(b.top + 50)] });
    await waitFor(() => pointers.length > 0, 2000, 'the pointer');
    assertNear(pointers.at(-1)!, { x: Math.round(b.left + 100) - b.left, y: Math.round(b.top + 50) - b.top });
    assert(
      Math.abs(pointers.at(-1)!.x - 100) <= 0.5 && Math.abs(pointers.at(-1)!.y - 50) <= 0.5,
      `near (100, 50): ${JSON.stringify(pointers.at(-1))}`,
    );
    await sendMouse({ type: 'click', position: [Math.round(b.left + 140), Math.round(b.top + 60)] });
    await waitFor(() => clicks.length > 0, 2000, 'the click');
    assertEqual(clicks.length, 1);
    assertNear(clicks[0]!, { x: Math.round(b.left + 140) - b.left, y: Math.round(b.top + 60) - b.top });
    assertEqual(sharer.doc.defaultView!.scrollY, 500, 'an annotation, not input: the page did not move');

    // fit: divided by the scale
    el.scale = 'fit';
    await waitFor(() => box().width < 480, 2000, 'fit');
    b = box();
    const scale = b.width / 480;
    const cx = Math.round(b.left + 300 * scale);
    const cy = Math.round(b.top + 200 * scale);
    const count = pointers.length;
    await sendMouse({ type: 'move', position: [cx, cy] });
    await waitFor(() => pointers.length > count, 2000, 'the pointer, fit');
    const p = pointers.at(-1)!;
    assert(
      Math.abs(p.x - (cx - b.left) / scale) <= 0.06 && Math.abs(p.y - (cy - b.top) / scale) <= 0.06,
      `the math: ${JSON.stringify(p)} at scale ${scale}`,
    );
    assert(Math.abs(p.x - 300) < 1 / scale && Math.abs(p.y - 200) < 1 / scale, `near (300, 200): ${JSON.stringify(p)}`);
  });

  it('sends pointer moves at most once per animation frame, the latest position', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(242, { scale: 'actual' });
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    const pointers: { x: number; y: number }[] = [];
    sharing.on('pointer', ({ x, y }) => pointers.push({ x, y }));
    const view = part(el, 'view')!;
    await frame();
    const b = viewing.mirror.iframe.getBoundingClientRect();
    let last = { clientX: 0, clientY: 0 };
    for (let i = 0; i < 10; i++) {
      last = new PointerEvent('pointermove', { clientX: b.left + 10 + i, clientY: b.top + 20, bubbles: true });
      view.dispatchEvent(last as PointerEvent);
    }
    await frame();
    await waitFor(() => pointers.length > 0, 2000, 'the pointer');
    await new Promise((r) => setTimeout(r, 100));
    // WebKit keeps clientX/Y of an event as whole pixels (Chromium and Firefox keep fractions): the
    // expected position is the last event's own, against the mirror's (possibly fractional) box
    const want = { x: last.clientX - b.left, y: last.clientY - b.top };
    assertEqual(pointers.length, 1, 'one message');
    const near = (a: number, c: number) => Math.abs(a - c) <= 0.05 + 1e-9; // sent in tenths of a pixel
    assert(
      near(pointers[0]!.x, want.x) && near(pointers[0]!.y, want.y),
      `the last position: ${JSON.stringify(pointers[0])}, want ${JSON.stringify(want)}`,
    );
    assert(Math.abs(want.x - 19) < 1 && Math.abs(want.y - 20) < 1, `the last of the ten moves (10 + 9, 20): ${JSON.stringify(want)}`);
    // leaving the view: the customer's page is told, and a pending move is not sent after it
    const outs: string[] = [];
    sharing.on('pointerout', ({ viewer }) => outs.push(viewer));
    view.dispatchEvent(new PointerEvent('pointermove', { clientX: b.left + 40, clientY: b.top + 20, bubbles: true }));
    view.dispatchEvent(new PointerEvent('pointerleave', { clientX: b.left - 5, clientY: b.top + 20 }));
    await waitFor(() => outs.length === 1, 2000, 'pointerout on the customer’s side');
    await frame();
    await new Promise((r) => setTimeout(r, 100));
    assertEqual(pointers.length, 1, 'the move before the leave was dropped, not sent after it');
    // outside the mirrored viewport: nothing
    view.dispatchEvent(new PointerEvent('pointermove', { clientX: b.left - 5, clientY: b.top + 20, bubbles: true }));
    await frame();
    await new Promise((r) => setTimeout(r, 100));
    assertEqual(pointers.length, 1);
  });

  it("draws the customer's cursor, following their pointer; no-cursor hides it", async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(242);
    const { viewing } = await connect(el, sharer);
    await viewing.connected;
    const dot = shadow(el).querySelector<HTMLElement>('[data-cobrowse-cursor]')!;
    assert(dot, 'the cursor overlay is there');
    const scale = viewing.mirror.iframe.getBoundingClientRect().width / 480;
    sharer.doc.dispatchEvent(new sharer.win.PointerEvent('pointermove', { clientX: 200, clientY: 100, bubbles: true }));
    const at = (x: number, y: number) => {
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(dot.style.transform);
      return !!m && Math.abs(Number(m[1]) - x * scale) < 0.01 && Math.abs(Number(m[2]) - y * scale) < 0.01;
    };
    await waitFor(() => at(200, 100), 2000, 'the cursor at the first position');
    sharer.doc.dispatchEvent(new sharer.win.PointerEvent('pointermove', { clientX: 260, clientY: 150, bubbles: true }));
    await waitFor(() => at(260, 150), 2000, 'the cursor to follow');
    assert(getComputedStyle(dot).display !== 'none', 'visible');
    el.noCursor = true;
    await el.updateComplete;
    assertEqual(getComputedStyle(dot.parentElement!).display, 'none', 'no-cursor hides it');
    assertEqual(el.getAttribute('no-cursor'), '');
  });

  it('End session ends both sides, fires cobrowse-end and says so; keyboard: Tab reaches it (after Ask for control, Pen, Clear drawing, Fit, 100 %, Full screen), Enter presses it', async () => {
    const sharer = await createSharer({ html: PAGE });
    const before = inTop(document.createElement('button'));
    before.textContent = 'before';
    const el = viewer();
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    const ends = events<{ reason: string }>(document, 'cobrowse-end');
    const sharerStates: string[] = [];
    sharing.on('state', ({ state, reason }) => sharerStates.push(`${state}${reason ? ` ${reason}` : ''}`));
    before.focus();
    await sendKeys({ press: 'Tab' });
    assertEqual(shadow(el).activeElement, part(el, 'control-button'), 'Tab reaches Ask for control first (the mirror is not a tab stop)');
    const fullScreen = part(el, 'fullscreen-button') ? ['fullscreen-button'] : []; // where the browser allows it
    for (const next of ['pen-button', 'clear-ink', 'fit-button', 'actual-button', ...fullScreen, 'end-button']) {
      await sendKeys({ press: 'Tab' });
      assertEqual(shadow(el).activeElement, part(el, next), `then ${next}`);
    }
    assert(part(el, 'end-button')!.matches(':focus-visible'), 'the focus is visible');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => sharing.state === 'ended', 4000, 'the sharer to end');
    assertEqual(sharerStates.at(-1), 'ended remote-stopped');
    assertEqual(viewing.state, 'ended');
    assertEqual(ends, [{ reason: 'stopped' }]);
    await el.updateComplete;
    assertEqual(el.state, 'ended');
    assertEqual(el.reason, 'stopped');
    assertEqual(text(el, 'message'), 'Co-browse session ended You ended the co-browse session.');
    assert((part(el, 'end-button') as HTMLButtonElement).disabled, 'nothing left to end');
    assertEqual(part(el, 'code'), null, 'the code of an ended session is gone');
  });

  it('one session at a time: a second start() rejects while one is on, works after it ended', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    const { viewing } = await connect(el, sharer);
    const [, other] = createLoopbackPair();
    let error: unknown = null;
    await el.start({ transport: other, secret: SECRET }).catch((e: unknown) => (error = e));
    assert(error instanceof DOMException && error.name === 'InvalidStateError', `InvalidStateError, got ${String(error)}`);
    assert(/one page at a time/.test((error as Error).message), (error as Error).message);
    assertEqual(el.session, viewing, 'the first session goes on');
    await viewing.connected;
    assertEqual(el.state, 'connected');
    // also while the first start() is still under way
    el.stop();
    const [a2, b2] = createLoopbackPair();
    const first = el.start({ transport: b2, secret: SECRET });
    let again: unknown = null;
    await el.start({ transport: other, secret: SECRET }).catch((e: unknown) => (again = e));
    assert(again instanceof DOMException, 'refused while starting');
    const second = await first;
    open.push(second);
    await share(sharer, a2);
    await second.connected;
    assertEqual(el.session, second);
    await el.updateComplete;
    assertEqual(text(el, 'state'), 'Connected');
  });

  it('removing the element ends the session (nobody is looking any more)', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    el.remove();
    await waitFor(() => sharing.state === 'ended', 4000, 'the sharer to end');
    assertEqual(viewing.state, 'ended');
  });
});

describe('<cobrowse-viewer>: why it ended', () => {
  it('the customer stopped', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    const states = events<ViewerStateDetail>(el, 'cobrowse-state');
    const ends = events(el, 'cobrowse-end');
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    sharing.stop();
    await waitFor(() => el.state === 'ended', 4000, 'the end');
    await el.updateComplete;
    // the event says what the view says: a console logs the sentence, never the code
    assertEqual(states.at(-1), { state: 'ended', reason: 'remote-stopped', message: 'The customer ended the co-browse session.' });
    assertEqual(text(el, 'message'), 'Co-browse session ended The customer ended the co-browse session.');
    assertEqual(ends.length, 0, 'cobrowse-end is the agent ending it');
    assertEqual(part(el, 'view')!.children.length, 0, 'the page is gone');
    // a console asking the customer again: the old ending must not read as the new answer
    el.reset();
    await el.updateComplete;
    assertEqual(el.state, 'idle');
    assertEqual(states.at(-1), { state: 'idle', message: 'No co-browse session' });
    assertEqual(text(el, 'message'), 'No co-browse session. Ask the customer to share their page: it appears here once they allow it.');
  });

  it('reset() leaves a session that is on alone', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    const { viewing } = await connect(el, sharer);
    await viewing.connected;
    el.reset();
    await el.updateComplete;
    assertEqual(el.state, 'connected');
    assert(shadow(el).contains(viewing.mirror.iframe), 'the page is still shown');
  });

  it('a wrong secret: a security message', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    await connect(el, sharer, OTHER_SECRET);
    await waitFor(() => el.state === 'ended', 6000, 'the end');
    await el.updateComplete;
    assertEqual(el.reason, 'wrong-secret');
    assert(
      /refused for security reasons\. Ask the customer to share again .*security team \(code: wrong-secret\)\./.test(text(el, 'message')!),
      text(el, 'message')!,
    );
  });

  it('a tampered record: a security message', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    let armed = false;
    const [a, inner] = createLoopbackPair();
    const outer: Transport = { send: (d) => inner.send(d), close: () => inner.close(), onmessage: null, onclose: null };
    inner.onmessage = (d) => {
      if (armed && d.length > 40) {
        armed = false;
        d = d.slice();
        d[d.length - 5] ^= 0x40;
      }
      outer.onmessage?.(d);
    };
    inner.onclose = (r) => outer.onclose?.(r);
    await share(sharer, a);
    const viewing = await el.start({ transport: outer, secret: SECRET });
    await viewing.connected;
    armed = true;
    sharer.doc.getElementById('title')!.textContent = 'changed on the way';
    await waitFor(() => el.state === 'ended', 4000, 'the end');
    await el.updateComplete;
    assertEqual(el.reason, 'tampered');
    assert(/security reasons\..*\(code: tampered\)\./.test(text(el, 'message')!), text(el, 'message')!);
  });

  it("a first dial nobody answers: the element says the customer's page could not be reached (not a lost connection)", async function () {
    needsWebRTC(this);
    this.timeout(30_000);
    const el = viewer();
    await el.updateComplete;
    const join = chatRoom();
    const agent = join('agent');
    // an address no one in the chat holds: the handshake gives up after its default 10 s
    await el.start({ signaling: createChatSignaling(agent), invitation: { peer: 'nobody', secret: SECRET }, rtc: { iceServers: [] } });
    await waitFor(() => el.state === 'ended', 25_000, 'the dial to give up');
    await el.updateComplete;
    assertEqual(el.reason, 'unreachable');
    assertEqual(text(el, 'message'), "Co-browse session ended The customer's page could not be reached. Ask them to share again.");
  });

  it('the chat server cannot be reached: start() rejects and the element says what to do', async () => {
    const el = viewer();
    await el.updateComplete;
    const ready = Promise.reject(new Error('no server'));
    ready.catch(() => {});
    const adapter = { id: 'agent', ready, send() {}, onsignal: null, onerror: null, close() {} };
    let error: unknown = null;
    await el.start({ signaling: adapter, invitation: { peer: 'customer', secret: SECRET } }).catch((e: unknown) => (error = e));
    assert(error instanceof Error, 'rejects');
    await el.updateComplete;
    assertEqual(el.state, 'ended');
    assertEqual(text(el, 'message'), 'Co-browse session ended The chat server could not be reached. Check your connection and try again.');
    assertEqual(part(el, 'view')!.children.length, 0, 'no mirror left behind');
  });

  it('every reason has its message, in English and Japanese', () => {
    const cases: [string, string][] = [
      ['stopped', 'You ended the co-browse session.'],
      ['remote-stopped', 'The customer ended the co-browse session.'],
      ['unreachable', "The customer's connection was lost. Ask them to share again."],
      ['signaling', 'The chat server could not be reached. Check your connection and try again.'],
      ['timeout', "The customer's browser did not answer. Ask them to share again."],
      ['denied', 'The customer did not allow you to see their page.'],
      ['approval-timeout', 'The customer did not answer your request in time. Ask them in the chat, then try again.'],
    ];
    for (const [reason, message] of cases) assertEqual(viewerStrings.en[endedMessage(reason)], message, reason);
    for (const r of ['wrong-secret', 'tampered', 'replayed', 'reordered', 'truncated', 'oversized'])
      assertEqual(endedMessage(r), 'endedSecurity', r);
    assertEqual(endedMessage('something-new'), 'endedOther');
    // every refusal the customer's page can give has its sentence in both languages, the same in English as the session's text
    for (const reason of [...Object.keys(REFUSAL_TEXT), 'confirm-submit', 'not-controlling']) {
      const key = refusalMessage(reason);
      assert(key !== 'refusedOther', `a sentence for ${reason}`);
      assertEqual(viewerStrings.en[key], refusalText(reason), reason);
    }
    assertEqual(refusalMessage('something-new'), 'refusedOther');
    // control that ended because the customer left the site, in words (not "Control ended.")
    assertEqual(
      viewerStrings.en[controlMessage('navigation')],
      'The customer went to a page outside this site: control ended. Ask again once they are back.',
    );
    // a first dial that never reached the customer's page is not a lost connection
    assertEqual(viewerStrings.en[endedMessage('unreachable', false)], "The customer's page could not be reached. Ask them to share again.");
    assertEqual(endedMessage('unreachable', true), 'endedLost');
    for (const key of Object.keys(viewerStrings.en) as (keyof typeof viewerStrings.en)[]) {
      // numbers and units only: the same in both languages
      const same = ['latency', 'viewport', 'actualSize'].includes(key);
      assert((viewerStrings.ja[key] && viewerStrings.ja[key] !== viewerStrings.en[key]) || same, `ja for ${key}`);
    }
  });
});

describe('<cobrowse-viewer>: the customer approves', () => {
  async function pending(el: CobrowseViewer, sharer: Sharer, options: { approvalTimeout?: number } = {}) {
    const [a, b] = createLoopbackPair();
    const sharing = await startSharing({ document: sharer.doc, transport: a, secret: SECRET, approve: 'prompt', ...options });
    open.push(sharing);
    const requests: string[] = [];
    sharing.on('approval', (r) => requests.push(r.id));
    const viewing = await el.start({ transport: b, secret: SECRET });
    open.push(viewing);
    await waitFor(() => requests.length === 1 && viewing.awaitingApproval, 4000, 'the request');
    await el.updateComplete;
    return { sharing, viewing, id: requests[0]! };
  }

  it('while waiting: the code and "Waiting for the customer to approve"; approved: the page', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(400);
    const pendings = events<{ sas: string }>(el, 'cobrowse-pending');
    const { sharing, viewing, id } = await pending(el, sharer);
    assertEqual(text(el, 'state'), 'Awaiting approval');
    assertEqual(text(el, 'code'), viewing.sas);
    assertEqual(
      text(el, 'message'),
      `Waiting for the customer to approve… Read your code ${viewing.sas} to the customer: they are asked to allow you, with the same code on their screen.`,
    );
    assertEqual(pendings, [{ sas: viewing.sas! }]);
    sharing.approve(id);
    await viewing.connected;
    await el.updateComplete;
    assertEqual(el.state, 'connected');
    assertEqual(text(el, 'state'), 'Connected');
    assert(part(el, 'message')!.hidden, 'the page, no message');
  });

  it('denied, or not answered in time: says so in plain words', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(400);
    const { sharing, id } = await pending(el, sharer);
    sharing.deny(id);
    await waitFor(() => el.state === 'ended', 4000, 'the end');
    await el.updateComplete;
    assertEqual(el.reason, 'denied');
    assertEqual(text(el, 'message'), 'Co-browse session ended The customer did not allow you to see their page.');
    const other = viewer(400);
    await pending(other, await createSharer({ html: PAGE }), { approvalTimeout: 500 });
    await waitFor(() => other.state === 'ended', 4000, 'the timeout');
    await other.updateComplete;
    assertEqual(other.reason, 'approval-timeout');
    assertEqual(
      text(other, 'message'),
      'Co-browse session ended The customer did not answer your request in time. Ask them in the chat, then try again.',
    );
  });

  it("notes a resumption (the customer's next page took over): same code, 'Reconnected (1×)'", async function () {
    needsWebRTC(this);
    this.timeout(30_000);
    const join = chatRoom();
    const first = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      document: first.doc,
      signaling: createChatSignaling(join('customer')),
      approve: approveEveryViewer,
    });
    open.push(sharing);
    const el = viewer(400);
    const resumed = events<{ count: number }>(el, 'cobrowse-resumed');
    const viewing = await el.start({ signaling: createChatSignaling(join('agent')), invitation: sharing.invitation! });
    open.push(viewing);
    await viewing.connected;
    const code = viewing.sas;
    await el.updateComplete;
    assertEqual(part(el, 'resumed'), null, 'nothing to note yet');
    first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
    const next = await createSharer({ html: PAGE.replace('Kumo Tea', 'Your cart') });
    const again = await resumeSharing({
      document: next.doc,
      signaling: createChatSignaling(join('customer')),
      approve: approveEveryViewer,
    });
    assert(again, 'resumed');
    open.push(again);
    await waitFor(() => viewing.mirror.document?.getElementById('title')?.textContent === 'Your cart', 15_000, 'the next page');
    await el.updateComplete;
    assertEqual(resumed, [{ count: 1 }]);
    assertEqual(text(el, 'resumed'), 'Reconnected (1×)');
    assertEqual(text(el, 'code'), code, 'the code compared once');
    sessionStorage.clear();
  });
});

describe('<cobrowse-viewer>: language, accessibility, theming', () => {
  it('speaks Japanese with lang="ja", and follows a change of lang', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(242, { lang: 'ja' });
    await el.updateComplete;
    assertEqual(
      text(el, 'message'),
      'コブラウズセッションはありません。 お客様にページの共有を依頼してください。許可されると、ここに表示されます。',
    );
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    assertEqual(text(el, 'state'), '接続済み');
    assertEqual(text(el, 'code-label'), '確認コード');
    assertEqual(text(el, 'end-button'), 'コブラウズセッションを終了');
    el.lang = 'en';
    await el.updateComplete;
    assertEqual(text(el, 'end-button'), 'End co-browse session');
    el.lang = 'ja';
    await el.updateComplete;
    sharing.stop();
    await waitFor(() => el.state === 'ended', 4000, 'the end');
    await el.updateComplete;
    assertEqual(text(el, 'message'), 'コブラウズセッション終了 お客様がコブラウズセッションを終了しました。');
  });

  it('announces the state and the code in a polite live region', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer();
    await el.updateComplete;
    const status = part(el, 'status')!;
    assertEqual(status.getAttribute('role'), 'status');
    assertEqual(status.getAttribute('aria-live'), 'polite');
    const said: string[] = [];
    const watch = new MutationObserver(() => {
      const now = status.textContent!.replace(/\s+/g, ' ').trim();
      if (said.at(-1) !== now) said.push(now);
    });
    watch.observe(status, { childList: true, subtree: true, characterData: true });
    const { sharing, viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    watch.disconnect();
    assertEqual(said.at(-1), `Connected Code ${sharing.sas}`);
    assert(
      said.some((s) => s.startsWith('Connecting…')),
      `connecting was announced: ${JSON.stringify(said)}`,
    );
    assert(!status.contains(part(el, 'latency')), 'the latency is not announced every 2 s');
  });

  it('is themed through ::part and custom properties', async () => {
    const style = inTop(document.createElement('style'));
    style.textContent = `
      cobrowse-viewer.themed { --cobrowse-bg: rgb(10, 20, 30); --cobrowse-danger: rgb(200, 0, 100); }
      cobrowse-viewer.themed::part(code) { color: rgb(1, 2, 3); }
      cobrowse-viewer.themed::part(status) { font-weight: 900; }`;
    const el = viewer();
    el.classList.add('themed');
    const sharer = await createSharer({ html: PAGE });
    const { viewing } = await connect(el, sharer);
    await viewing.connected;
    await el.updateComplete;
    assertEqual(getComputedStyle(part(el, 'code')!).color, 'rgb(1, 2, 3)');
    assertEqual(getComputedStyle(part(el, 'status')!).fontWeight, '900');
    assertEqual(getComputedStyle(el).backgroundColor, 'rgb(10, 20, 30)');
    assertEqual(getComputedStyle(part(el, 'end-button')!).backgroundColor, 'rgb(200, 0, 100)');
    el.classList.remove('themed');
    assert(getComputedStyle(part(el, 'code')!).color !== 'rgb(1, 2, 3)', 'the rule did it');
  });
});

describe('CursorOverlay (src/mirror/cursor.ts)', () => {
  it('shows the first position at once, then writes at most once per animation frame, the latest, eased', async () => {
    const host = inTop(document.createElement('div'));
    host.style.cssText = 'position:absolute;left:0;top:400px;width:300px;height:200px';
    const overlay = new CursorOverlay(host);
    const dot = overlay.el.querySelector<HTMLElement>('[data-cobrowse-cursor]')!;
    overlay.move(10, 10);
    assertEqual(dot.style.transform, 'translate(10px, 10px)', 'the first position at once');
    assertEqual(dot.style.transition, `transform ${CURSOR_EASE_MS}ms linear`, 'eased between samples');
    const writes: string[] = [];
    const watch = new MutationObserver(() => writes.push(dot.style.transform));
    watch.observe(dot, { attributes: true, attributeFilter: ['style'] });
    await frame(); // a fresh frame
    for (let i = 1; i <= 8; i++) overlay.move(10 + i * 5, 10 + i);
    await Promise.resolve();
    assertEqual(dot.style.transform, 'translate(10px, 10px)', 'nothing written before the frame');
    await frame();
    await Promise.resolve();
    assertEqual(dot.style.transform, 'translate(50px, 18px)', 'the latest position');
    overlay.move(60, 20);
    overlay.move(70, 30);
    await frame();
    await Promise.resolve();
    watch.disconnect();
    assertEqual(writes, ['translate(50px, 18px)', 'translate(70px, 30px)'], 'one write per frame');
  });
});

describe('toSharerViewport', () => {
  it('divides by the scale and refuses points outside the viewport', () => {
    const el = inTop(document.createElement('div'));
    el.style.cssText = 'position:absolute;left:100px;top:50px;width:240px;height:180px';
    const vp = { width: 480, height: 360 };
    assertEqual(toSharerViewport(100 + 120, 50 + 90, el, vp), { x: 240, y: 180 });
    assertEqual(toSharerViewport(100 + 0.5, 50 + 0.25, el, vp), { x: 1, y: 0.5 });
    assertEqual(toSharerViewport(99, 60, el, vp), null);
    assertEqual(toSharerViewport(150, 50 + 181, el, vp), null);
    assertEqual(toSharerViewport(150, 60, el, null), null);
  });
});
