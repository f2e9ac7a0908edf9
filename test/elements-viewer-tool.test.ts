// <cobrowse-viewer> as the agent's tool (issue 17 item 3), over real sessions (a loopback pair or the
// test pipe; the sharer is a page in an iframe, as in elements-viewer.test.ts): the labelled latency
// and its thresholds, the customer's window and device pixel ratio, Fit / 100 % / Full screen and
// their geometry, the customer's hidden tab and idleness (sent by the sharer), the customer's cursor
// seen on light and dark pages, and the agent's cursor leaving the customer's page with the pointer.
import { createChatSignaling, createLoopbackPair, resumeSharing, startSharing, type SharingSession, type Transport } from '../src/index.js';
import { CobrowseViewer } from '../src/elements/viewer/define.js';
import { LATENCY_GOOD_MS, LATENCY_SLOW_MS, latencyQuality } from '../src/elements/viewer/status-bar.js';
import { CURSOR_COLOR, CURSOR_HALO } from '../src/mirror/cursor.js';
import { parseFromSharer } from '../src/session/messages.js';
import type { CustomerPresence } from '../src/session/types.js';
import { assert, assertEqual, describe, it } from './helpers/assert.js';
import { chatRoom } from './helpers/chat-room.js';
import { needsWebRTC, skipBecause } from './helpers/engine.js';
import { inTop, open } from './helpers/element-fixture.js';
import { resetMouse, sendMouse } from './helpers/commands.js';
import { createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { approveEveryViewer } from './helpers/approval.js';
import { pipe } from './helpers/pipe.js';

const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';
const PAGE = `<!doctype html><html><head><style>body{margin:0}</style></head><body>
  <h1 id="title">Kumo Tea</h1><p>Sencha, Matcha</p><div style="height:2000px">tall</div></body></html>`;

/** A viewer element to the right of the sharer (which the harness puts at 0,0, 480×360); `height` '' leaves it free. */
function viewer(width: number, height = '', attrs: Record<string, string> = {}): CobrowseViewer {
  const el = new CobrowseViewer();
  el.style.cssText = `position:absolute;left:500px;top:0;width:${width}px;${height ? `height:${height};` : ''}z-index:2`;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return inTop(el);
}

const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const text = (el: Element, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

async function connect(el: CobrowseViewer, sharer: Sharer, transports?: [Transport, Transport], idleTimeout?: number) {
  const [a, b] = transports ?? createLoopbackPair();
  const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET, idleTimeout });
  open.push(sharing);
  const viewing = await el.start({ transport: b, secret: SECRET });
  open.push(viewing);
  await viewing.connected;
  await el.updateComplete;
  return { sharing, viewing };
}

/** The view's boxes: the mirror iframe as drawn (scaled), and the stage around it. */
function boxes(el: CobrowseViewer, iframe: HTMLIFrameElement) {
  return { page: iframe.getBoundingClientRect(), stage: part(el, 'stage')!.getBoundingClientRect() };
}

const near = (a: number, b: number, within = 1) => Math.abs(a - b) <= within;

describe('<cobrowse-viewer>: latency, in words and colour', () => {
  it('the thresholds: under 150 ms good, under 400 ms slow, else bad', () => {
    assertEqual([0, 149, LATENCY_GOOD_MS, 399, LATENCY_SLOW_MS, 5000].map(latencyQuality), ['good', 'good', 'slow', 'slow', 'bad', 'bad']);
  });

  it('"Delay N ms · good" over a fast link; "· slow" when the sharer\'s answers take 250 ms, in another colour', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(420);
    const p = pipe();
    let delay = 0;
    // the sharer's messages (its pongs among them) held back `delay` ms, in order
    p.tap = (from, data) => {
      if (from !== 'a' || !delay) return [data];
      setTimeout(() => p.inject('a', data), delay);
      return [];
    };
    await connect(el, sharer, [p.a, p.b]);
    await waitFor(async () => (await el.updateComplete, /^Delay \d+ ms · good$/.test(text(el, 'latency') ?? '')), 4000, 'a good latency');
    const latency = part(el, 'latency')!;
    assertEqual(latency.dataset.quality, 'good');
    assert(latency.title.includes('150 ms'), `the thresholds on hover: ${latency.title}`);
    const good = getComputedStyle(latency, '::before').backgroundColor;
    delay = 250;
    await waitFor(async () => (await el.updateComplete, /^Delay \d+ ms · slow$/.test(text(el, 'latency') ?? '')), 8000, 'a slow latency');
    const ms = Number(/\d+/.exec(text(el, 'latency')!)![0]);
    assert(ms >= 250 && ms < LATENCY_SLOW_MS, `the number is the measured round trip: ${ms}`);
    assertEqual(part(el, 'latency')!.dataset.quality, 'slow');
    assert(getComputedStyle(part(el, 'latency')!, '::before').backgroundColor !== good, 'slow has its own colour');
  });
});

describe("<cobrowse-viewer>: the customer's window", () => {
  it('shows the viewport size and device pixel ratio the sharer page has ("480×360 @1x")', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(420);
    const { viewing } = await connect(el, sharer);
    const dpr = Math.round(sharer.win.devicePixelRatio * 100) / 100;
    assertEqual(viewing.mirror.viewport!.dpr, sharer.win.devicePixelRatio, 'the device pixel ratio travels in the VIEWPORT op');
    assertEqual(text(el, 'viewport'), `${sharer.win.innerWidth}×${sharer.win.innerHeight} @${dpr}x`);
    assertEqual(part(el, 'viewport')!.title, `The customer's window: 480 × 360 CSS pixels, device pixel ratio ${dpr}.`);
    // the customer resizes their window: the bar follows
    sharer.frame.style.width = '400px';
    await waitFor(async () => (await el.updateComplete, text(el, 'viewport') === `400×360 @${dpr}x`), 4000, 'the new size');
    el.lang = 'ja';
    await el.updateComplete;
    assert(part(el, 'viewport')!.title.startsWith('お客様のウィンドウ: 400 × 360'), part(el, 'viewport')!.title);
  });
});

describe('<cobrowse-viewer>: Fit, 100 % and Full screen', () => {
  it("fit with a free height: the page fills the element's width and the stage is exactly as tall (no empty band)", async () => {
    const sharer = await createSharer({ html: PAGE }); // 480×360
    const el = viewer(300);
    const { viewing } = await connect(el, sharer);
    await waitFor(() => near(boxes(el, viewing.mirror.iframe).page.width, 300), 2000, 'fit to the width');
    const { page, stage } = boxes(el, viewing.mirror.iframe);
    assert(near(page.width, stage.width), `fills the width: ${page.width} of ${stage.width}`);
    assert(near(page.height, stage.height), `no band below: page ${page.height}, stage ${stage.height}`);
    assert(near(page.height / page.width, 360 / 480, 0.01), "the customer's aspect ratio");
    assertEqual(part(el, 'fit-button')!.getAttribute('aria-pressed'), 'true');
    assertEqual(part(el, 'actual-button')!.getAttribute('aria-pressed'), 'false');
  });

  it('fit with a given height: the largest box of the aspect, centred; 100 % is 1:1 and scrolls; the buttons switch', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(600, '260px'); // wider than the aspect: height-limited
    const { viewing } = await connect(el, sharer);
    const iframe = viewing.mirror.iframe;
    await waitFor(() => near(boxes(el, iframe).page.height, boxes(el, iframe).stage.height), 2000, 'fit to the height');
    let { page } = boxes(el, iframe);
    const { stage } = boxes(el, iframe);
    assert(page.width < stage.width - 10, `narrower than the stage: ${page.width} of ${stage.width}`);
    assert(near(page.left - stage.left, stage.right - page.right), `centred: ${page.left - stage.left} vs ${stage.right - page.right}`);
    assert(near(page.height / page.width, 360 / 480, 0.01), "the customer's aspect ratio");

    part(el, 'actual-button')!.click();
    await el.updateComplete;
    assertEqual(el.getAttribute('scale'), 'actual');
    await waitFor(() => near(iframe.getBoundingClientRect().width, 480, 0.01), 2000, '100 %: scale 1');
    assertEqual(iframe.getBoundingClientRect().height, 360);
    assertEqual(part(el, 'actual-button')!.getAttribute('aria-pressed'), 'true');
    assertEqual(part(el, 'fit-button')!.getAttribute('aria-pressed'), 'false');
    const s = part(el, 'stage')!;
    assert(s.scrollHeight > s.clientHeight, 'the stage scrolls (360 px of page in a shorter stage)');

    part(el, 'fit-button')!.click();
    await waitFor(() => near(boxes(el, iframe).page.height, boxes(el, iframe).stage.height), 2000, 'back to fit');
    ({ page } = boxes(el, iframe));
    assert(page.width < 480, `scaled down again: ${page.width}`);
    assertEqual(el.scale, 'fit');
  });

  it('the choice survives a page change of the session (100 % on the next page, at its own size)', async function () {
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
    const el = viewer(300, '300px');
    const viewing = await el.start({ signaling: createChatSignaling(join('agent')), invitation: sharing.invitation! });
    open.push(viewing);
    await viewing.connected;
    await el.updateComplete;
    part(el, 'actual-button')!.click();
    await waitFor(() => near(viewing.mirror.iframe.getBoundingClientRect().width, 480, 0.01), 2000, '100 %');
    first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
    const next = await createSharer({ html: PAGE.replace('Kumo Tea', 'Your cart'), width: 420, height: 300 });
    const again = await resumeSharing({
      document: next.doc,
      signaling: createChatSignaling(join('customer')),
      approve: approveEveryViewer,
    });
    assert(again, 'resumed');
    open.push(again);
    await waitFor(() => viewing.mirror.document?.getElementById('title')?.textContent === 'Your cart', 15_000, 'the next page');
    await waitFor(() => near(viewing.mirror.iframe.getBoundingClientRect().width, 420, 0.01), 2000, '1:1 at the new width');
    await el.updateComplete;
    assertEqual(el.scale, 'actual');
    assertEqual(part(el, 'actual-button')!.getAttribute('aria-pressed'), 'true');
    assertEqual(text(el, 'viewport')!.split(' ')[0], '420×300');
    sessionStorage.clear();
  });

  it('Full screen: the element itself goes full screen (real click), the page fits the screen; pressed again, back', async function () {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(300, '260px');
    const { viewing } = await connect(el, sharer);
    const button = () => part(el, 'fullscreen-button');
    if (!document.fullscreenEnabled || !button()) skipBecause(this, 'this browser offers no Fullscreen API to the test page');
    const b = button()!.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2)] });
    await waitFor(() => document.fullscreenElement === el, 4000, 'full screen');
    await el.updateComplete;
    assertEqual(button()!.getAttribute('aria-pressed'), 'true');
    const iframe = viewing.mirror.iframe;
    await waitFor(
      () => {
        const { page, stage } = boxes(el, iframe);
        return near(page.width, stage.width) || near(page.height, stage.height);
      },
      4000,
      'the page fits the full-screen stage',
    );
    const { page } = boxes(el, iframe);
    assert(page.width > 300, `bigger than the element was: ${page.width}`);
    const c = button()!.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(c.left + c.width / 2), Math.round(c.top + c.height / 2)] });
    await waitFor(() => document.fullscreenElement === null, 4000, 'out of full screen');
    await el.updateComplete;
    assertEqual(button()!.getAttribute('aria-pressed'), 'false');
    await waitFor(
      () => near(iframe.getBoundingClientRect().width, boxes(el, iframe).stage.width) || iframe.getBoundingClientRect().width <= 300,
      4000,
      'fit to the element again',
    );
    await resetMouse();
  });
});

describe("<cobrowse-viewer>: the customer's tab and presence", () => {
  it('the viewer reads only a well-formed customer message', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const presence = (body: Uint8Array) => {
      const control = parseFromSharer(body);
      return control?.t === 'customer' ? control : null;
    };
    assertEqual(presence(enc({ t: 'customer', hidden: true, idle: false })), { t: 'customer', hidden: true, idle: false });
    assertEqual(presence(enc({ t: 'customer', hidden: 1, idle: false })), null);
    assertEqual(presence(enc({ t: 'customer', hidden: true })), null);
    assertEqual(presence(enc({ t: 'ping', id: 1 })), null);
    assertEqual(presence(enc(null)), null);
    assertEqual(presence(new Uint8Array([0xff, 0x7b])), null);
  });

  it('idle after idleTimeout without input, back with a real pointer move; hidden with the tab; a late viewer is told at once', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(420);
    const seen: CustomerPresence[] = [];
    const { sharing, viewing } = await connect(el, sharer, undefined, 400);
    viewing.on('customer', (c) => seen.push(c));
    assertEqual(part(el, 'customer-idle'), null, 'not idle at first');
    await waitFor(() => viewing.customer.idle, 4000, 'idle after 400 ms without input');
    await el.updateComplete;
    assertEqual(text(el, 'customer-idle'), 'Customer is idle');
    assertEqual(part(el, 'presence')!.getAttribute('role'), 'status');
    // the customer moves their mouse over the page (a real one: the sharer is the frame at 0,0)
    await sendMouse({ type: 'move', position: [100, 100] });
    await sendMouse({ type: 'move', position: [140, 120] });
    await waitFor(() => !viewing.customer.idle, 4000, 'back at once');
    await el.updateComplete;
    assertEqual(part(el, 'customer-idle'), null);
    assertEqual(seen.slice(0, 2), [
      { hidden: false, idle: true },
      { hidden: false, idle: false },
    ]);
    // the tab is hidden: the browser's own visibilitychange, with the state the engines report
    // (a test page cannot hide its own tab; the document's `hidden` is set on the sharer's document)
    Object.defineProperty(sharer.doc, 'hidden', { configurable: true, get: () => true });
    sharer.doc.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => viewing.customer.hidden, 4000, 'hidden');
    await el.updateComplete;
    assertEqual(text(el, 'customer-hidden'), "Customer's tab is hidden");
    el.lang = 'ja';
    await el.updateComplete;
    assertEqual(text(el, 'customer-hidden'), 'お客様のタブは非表示です');
    el.lang = 'en';
    // a second viewer joining now hears it at once (not at the next change)
    const other = viewer(300);
    other.style.top = '400px';
    const [a, b] = createLoopbackPair();
    const late = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET });
    open.push(late);
    const second = await other.start({ transport: b, secret: SECRET });
    open.push(second);
    await second.connected;
    await waitFor(() => second.customer.hidden, 4000, 'the late viewer is told the tab is hidden');
    delete (sharer.doc as { hidden?: boolean }).hidden;
    sharer.doc.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => !viewing.customer.hidden, 4000, 'shown again');
    await el.updateComplete;
    assertEqual(part(el, 'customer-hidden'), null);
    sharing.stop();
    await resetMouse();
  });
});

describe('<cobrowse-viewer>: a page deeper than the view shows', () => {
  it('"Part of the page is not shown" once the customer\'s page nests content past the cap; gone with the next page', async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(420);
    const { viewing } = await connect(el, sharer);
    assertEqual(part(el, 'partial'), null, 'the whole page is shown');
    // 260 nested divs added to the customer's page: the mirror lays out 200 levels (src/mirror/depth.ts)
    const deep = sharer.doc.createElement('div');
    let at = deep;
    for (let i = 0; i < 260; i++) at = at.appendChild(sharer.doc.createElement('div'));
    at.textContent = 'bottom';
    sharer.doc.body.append(deep);
    await waitFor(() => viewing.mirror.partial, 4000, 'the mirror left part of the page out');
    await el.updateComplete;
    assertEqual(text(el, 'partial'), 'Part of the page is not shown');
    assert(part(el, 'partial')!.title.includes('deeper'), `says why on hover: ${part(el, 'partial')!.title}`);
    el.lang = 'ja';
    await el.updateComplete;
    assertEqual(text(el, 'partial'), 'ページの一部は表示されていません');
    el.lang = 'en';
    // the deep part goes; the next snapshot (a resync) brings a page shown whole
    deep.remove();
    viewing.resync();
    await waitFor(async () => (await el.updateComplete, part(el, 'partial') === null), 4000, 'the notice is gone with the new page');
    assertEqual(viewing.mirror.partial, false);
  });
});

describe("<cobrowse-viewer>: the customer's cursor and the agent's", () => {
  it("the customer's cursor has a light and a dark ring: it stands out on white and on black pages", async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(420);
    await connect(el, sharer);
    const dot = el.shadowRoot!.querySelector<HTMLElement>('[data-cobrowse-cursor]')!;
    sharer.doc.dispatchEvent(new sharer.win.PointerEvent('pointermove', { clientX: 200, clientY: 100, bubbles: true }));
    await waitFor(() => getComputedStyle(dot).display !== 'none', 2000, 'the cursor shown');
    const style = getComputedStyle(dot);
    assertEqual(style.backgroundColor, CURSOR_COLOR);
    const rings = [...style.boxShadow.matchAll(/rgba?\(([^)]+)\)/g)].map((m) => m[1]!.split(',').map(Number));
    assert(rings.length >= 2, `rings: ${style.boxShadow} (${CURSOR_HALO})`);
    const lum = ([r, g, b]: number[]) =>
      [r!, g!, b!]
        .map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4))
        .reduce((s, c, i) => s + c * [0.2126, 0.7152, 0.0722][i]!, 0);
    const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const opaque = rings.filter((c) => (c[3] ?? 1) >= 0.7);
    assert(
      opaque.some((c) => contrast(lum(c), 0) >= 7),
      `a ring that stands out on black: ${style.boxShadow}`,
    );
    assert(
      opaque.some((c) => contrast(lum(c), 1) >= 7),
      `a ring that stands out on white: ${style.boxShadow}`,
    );
    assert(parseFloat(style.width) >= 14, `big enough to find: ${style.width}`);
  });

  it("the agent's pointer leaving the view (a real mouse) takes the agent's cursor off the customer's page", async () => {
    const sharer = await createSharer({ html: PAGE });
    const el = viewer(420);
    const { sharing, viewing } = await connect(el, sharer);
    const events: string[] = [];
    sharing.on('pointer', () => events.push('pointer'));
    sharing.on('pointerout', () => events.push('out'));
    const b = viewing.mirror.iframe.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(b.left + 50), Math.round(b.top + 50)] });
    await waitFor(() => events.includes('pointer'), 2000, "the agent's pointer on the customer's page");
    await sendMouse({ type: 'move', position: [Math.round(b.left - 10), Math.round(b.top + 50)] }); // the gap left of the element
    await waitFor(() => events.at(-1) === 'out', 2000, 'pointerout when the pointer leaves the view');
    await resetMouse();
  });
});
