// The sharer's elements: consent (answers, Escape, focus trap), the sharing banner and the
// annotations over a real session (loopback pair, a real viewer's mirror), Japanese strings, the
// share button. The session-driven tests run the sharer API inside the shared page's own realm, as
// a site embedding it would: the elements there are defined in that page's registry.
import { createChatSignaling, createLoopbackPair, startViewing, type Transport, type ViewingSession } from '../src/index.js';
import { CobrowseConsent, CobrowseShareButton, requestConsent } from '../src/elements/sharer/index.js';
import type * as SharerApi from '../src/sharer.js';
import { afterEach, assert, assertEqual, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { inTop, open } from './helpers/element-fixture.js';
import { chatRoom } from './helpers/chat-room.js';
import { keyChord, sendKeys, sendMouse, resetMouse, typeKeys } from './helpers/commands.js';
import { cleanup, countBytes, createSharer, startSession, waitFor, type Sharer } from './helpers/harness.js';
import { approveEveryViewer } from './helpers/approval.js';

type Api = typeof SharerApi;
const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';

const shadow = (el: Element) => el.shadowRoot!;
const part = (el: Element, name: string) => shadow(el).querySelector<HTMLElement>(`[part~="${name}"]`);

/** A sharer page that loads the sharer entry itself (its own realm, its own element registry). */
async function sharerPage(body = '', lang = 'en'): Promise<{ sharer: Sharer; api: Api }> {
  const sharer = await createSharer({
    html: `<!DOCTYPE html><html lang="${lang}"><head><style>body{margin:0}</style></head><body>
      <h1 id="title" style="margin:0;height:120px">Kumo Tea</h1><button id="buy" style="position:absolute;left:150px;top:200px;width:120px;height:40px">Buy</button>${body}
      <script type="module">import * as api from '/src/sharer.ts'; window.cobrowseApi = api;</script></body></html>`,
  });
  const win = sharer.win as unknown as { cobrowseApi?: Api };
  await waitFor(() => !!win.cobrowseApi, 10_000, 'the sharer module to load in the page');
  return { sharer, api: win.cobrowseApi! };
}

function viewerContainer(): HTMLElement {
  const el = inTop(document.createElement('div'));
  el.style.cssText = 'position:absolute;left:500px;top:400px;width:480px;height:360px';
  return el;
}

/**
 * The sharer's end of a transport, handing it bytes of its own realm: tweetnacl (rightly) refuses a
 * Uint8Array of another realm. (A site runs both in one realm; only this test has two.)
 */
function intoRealm(inner: Transport, win: Window & typeof globalThis): Transport {
  const outer: Transport = { send: (d) => inner.send(new Uint8Array(d)), close: () => inner.close(), onmessage: null, onclose: null };
  inner.onmessage = (d) => outer.onmessage?.(new win.Uint8Array(d));
  inner.onclose = (r) => outer.onclose?.(r);
  return outer;
}

async function pair(sharer: Sharer, api: Api) {
  const [a, b] = createLoopbackPair();
  const sharing = await api.startSharing({
    approve: approveEveryViewer,
    document: sharer.doc,
    transport: intoRealm(a, sharer.win),
    secret: SECRET,
  });
  const viewing: ViewingSession = await startViewing({ container: viewerContainer(), transport: b, secret: SECRET });
  open.push(sharing, viewing);
  await viewing.connected;
  await waitFor(() => sharing.state === 'connected', 4000, 'the sharer to connect');
  return { sharing, viewing };
}

function events(target: EventTarget, ...types: string[]): string[] {
  const seen: string[] = [];
  for (const t of types) target.addEventListener(t, () => seen.push(t));
  return seen;
}

describe('<cobrowse-consent>', () => {
  it('is a labelled modal dialog with real buttons; Allow resolves true and fires cobrowse-allow', async () => {
    const el = inTop(new CobrowseConsent());
    const seen = events(document, 'cobrowse-allow', 'cobrowse-deny');
    const answer = el.ask();
    await el.updateComplete;
    assert(el.hasAttribute('data-cobrowse-ignore'), 'never captured');
    const dialog = part(el, 'dialog')!;
    assertEqual(dialog.localName, 'dialog');
    assert((dialog as HTMLDialogElement).open, 'the dialog is open');
    assert(dialog.matches(':modal'), 'modal (the page behind is inert)');
    assertEqual(dialog.getAttribute('role'), 'dialog');
    assertEqual(dialog.getAttribute('aria-modal'), 'true');
    const label = shadow(el).getElementById(dialog.getAttribute('aria-labelledby')!)!;
    assertEqual(label.textContent, 'An agent wants to see this page');
    const described = dialog
      .getAttribute('aria-describedby')!
      .split(' ')
      .map((id) => shadow(el).getElementById(id)!.textContent)
      .join(' ');
    assert(/passwords, card numbers/.test(described), `says what is hidden: ${described}`);
    const allow = part(el, 'allow')!;
    assertEqual(allow.localName, 'button');
    assertEqual(part(el, 'deny')!.localName, 'button');
    allow.click();
    assertEqual(await answer, true);
    assertEqual(seen, ['cobrowse-allow']);
    assert(!el.open && !(dialog as HTMLDialogElement).open, 'closed after the answer');
  });

  it('Deny resolves false and fires cobrowse-deny', async () => {
    const el = inTop(new CobrowseConsent());
    const seen = events(el, 'cobrowse-allow', 'cobrowse-deny');
    const answer = el.ask();
    await el.updateComplete;
    part(el, 'deny')!.click();
    assertEqual(await answer, false);
    assertEqual(seen, ['cobrowse-deny']);
  });

  it('Escape (a real key press) is Deny', async () => {
    const el = inTop(new CobrowseConsent());
    const seen = events(el, 'cobrowse-allow', 'cobrowse-deny');
    const answer = el.ask();
    await el.updateComplete;
    await sendKeys({ press: 'Escape' });
    assertEqual(await answer, false);
    assertEqual(seen, ['cobrowse-deny']);
  });

  it('traps focus: it starts on Deny, Tab and Shift+Tab cycle through the two buttons only', async () => {
    const before = inTop(document.createElement('button'));
    before.textContent = 'page button';
    before.focus();
    const el = inTop(new CobrowseConsent());
    const answer = el.ask();
    await el.updateComplete;
    const focused = () => shadow(el).activeElement?.getAttribute('part') ?? `outside: ${document.activeElement?.localName}`;
    assertEqual(focused(), 'button deny', 'initial focus on the safe choice');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await sendKeys({ press: 'Tab' });
      order.push(focused());
    }
    // Shift+Tab as one chord: WebDriver (WebKit) has no separate key down/up in sendKeys
    await keyChord(['Shift'], 'Tab');
    order.push(focused());
    await keyChord(['Shift'], 'Tab');
    order.push(focused());
    assertEqual(order, ['button allow', 'button deny', 'button allow', 'button deny', 'button allow', 'button deny']);
    await sendKeys({ press: 'Enter' }); // on Deny
    assertEqual(await answer, false);
    assertEqual(document.activeElement, before, 'focus goes back where it was');
  });

  it('requestConsent adds a dialog, resolves with the answer and removes it', async () => {
    const answer = requestConsent({ lang: 'en' });
    const el = document.querySelector('cobrowse-consent')!;
    await (el as CobrowseConsent).updateComplete;
    part(el, 'allow')!.click();
    assertEqual(await answer, true);
    assert(!el.isConnected, 'removed after the answer');
  });

  it('speaks Japanese with lang="ja"', async () => {
    const el = new CobrowseConsent();
    el.lang = 'ja';
    inTop(el);
    const answer = el.ask();
    await el.updateComplete;
    assertEqual(part(el, 'title')!.textContent, 'オペレーターがこのページの表示を求めています');
    assertEqual(part(el, 'allow')!.textContent, '許可する');
    assertEqual(part(el, 'deny')!.textContent, '拒否する');
    assert(/パスワード/.test(part(el, 'hidden')!.textContent!), 'what is hidden, in Japanese');
    part(el, 'deny')!.click();
    await answer;
  });
});

describe('<cobrowse-share-button>', () => {
  it('fires cobrowse-share-request (bubbling out of the shadow root), not when disabled; localized', async () => {
    const el = inTop(new CobrowseShareButton());
    const seen = events(document, 'cobrowse-share-request');
    await el.updateComplete;
    const button = part(el, 'button')!;
    assertEqual(button.localName, 'button');
    assertEqual(button.textContent!.trim(), 'Share my screen with the agent');
    button.click();
    assertEqual(seen.length, 1);
    el.disabled = true;
    await el.updateComplete;
    button.click();
    assertEqual(seen.length, 1, 'disabled: no request');
    el.lang = 'ja';
    el.requestUpdate();
    await el.updateComplete;
    assertEqual(button.textContent!.trim(), '画面をオペレーターと共有');
  });
});

describe('<cobrowse-sharing-banner> over a real session', () => {
  it('shows the viewer and its code, never reaches the viewer, and Stop ends both sides', async () => {
    const { sharer, api } = await sharerPage();
    const { sharing, viewing } = await pair(sharer, api);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    await banner.updateComplete;
    assert(banner.hasAttribute('active'), 'shown while sharing');
    assertEqual(part(banner, 'message')!.textContent, 'An agent is viewing this page');
    const codes = [...shadow(banner).querySelectorAll('[part~="code"]')].map((c) => c.textContent);
    assertEqual(codes, [viewing.sas], 'the viewer’s 6-digit code');
    assert(/^\d{6}$/.test(codes[0]!), 'six digits');
    assert(part(banner, 'stop')!.localName === 'button', 'a real Stop button');
    // it is on the customer's page but never on the agent's
    sharer.doc.getElementById('title')!.textContent = 'after the banner';
    await waitFor(() => viewing.mirror.document?.getElementById('title')?.textContent === 'after the banner', 4000, 'the mirror to follow');
    assertEqual(viewing.mirror.document!.querySelector('cobrowse-sharing-banner'), null, 'not in the mirror');
    const seen = events(sharer.doc, 'cobrowse-stop');
    part(banner, 'stop')!.click();
    assertEqual(seen, ['cobrowse-stop']);
    await waitFor(() => sharing.state === 'ended' && viewing.state === 'ended', 4000, 'both sides to end');
    await banner.updateComplete;
    assert(!banner.hasAttribute('active'), 'hidden once ended');
    assertEqual(sharer.win.getComputedStyle(banner).display, 'none');
  });

  it('cobrowse-stop can be cancelled (the site confirms first)', async () => {
    const { sharer, api } = await sharerPage();
    const { sharing } = await pair(sharer, api);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    await banner.updateComplete;
    banner.addEventListener('cobrowse-stop', (e) => e.preventDefault());
    part(banner, 'stop')!.click();
    assertEqual(sharing.state, 'connected');
  });

  it('remote control: the request shows Allow / Deny; Allow hands control over, shown unmistakably; Take back ends it', async () => {
    const { sharer, api } = await sharerPage();
    const { sharing, viewing } = await pair(sharer, api);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    await banner.updateComplete;
    assertEqual(part(banner, 'control-request'), null, 'nothing to ask yet');
    viewing.requestControl();
    await waitFor(() => !!part(banner, 'control-request'), 4000, 'the request in the banner');
    assert(
      part(banner, 'control-request')!.textContent!.includes('The agent wants to control this page'),
      part(banner, 'control-request')!.textContent!,
    );
    // Deny first: the agent hears it, the question goes
    part(banner, 'deny-control')!.click();
    await waitFor(() => !part(banner, 'control-request'), 4000, 'the question to close');
    await waitFor(() => viewing.control === 'none', 4000, 'denied');
    viewing.requestControl();
    await waitFor(() => !!part(banner, 'allow-control'), 4000, 'asked again');
    part(banner, 'allow-control')!.click();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    await banner.updateComplete;
    assertEqual(part(banner, 'control-request'), null);
    assert(part(banner, 'control')!.textContent!.includes('The agent is controlling this page'), part(banner, 'control')!.textContent!);
    // a frame around the whole viewport that never takes a click
    const frame = part(banner, 'frame')!;
    const box = frame.getBoundingClientRect();
    assertEqual([box.left, box.top, box.width, box.height], [0, 0, sharer.win.innerWidth, sharer.win.innerHeight]);
    assertEqual(sharer.win.getComputedStyle(frame).pointerEvents, 'none');
    part(banner, 'take-back')!.click();
    await waitFor(() => viewing.control === 'none', 4000, 'taken back');
    await banner.updateComplete;
    assertEqual(part(banner, 'control'), null);
    assertEqual(part(banner, 'frame'), null);
  });

  it("remote control: the agent's submit waits for the customer's Submit in the banner; Cancel refuses it", async () => {
    const { sharer, api } = await sharerPage(
      '<form id="f" action="#"><button id="go" style="position:absolute;left:300px;top:200px;width:80px;height:30px">Send</button></form>',
    );
    const [a, b] = createLoopbackPair();
    const sharing = await api.startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      transport: intoRealm(a, sharer.win),
      secret: SECRET,
      control: () => true,
      controlRules: { allowedOrigins: [location.origin] }, // an about:srcdoc page: its form resolves against this origin
    });
    const viewing: ViewingSession = await startViewing({ container: viewerContainer(), transport: b, secret: SECRET });
    open.push(sharing, viewing);
    await viewing.connected;
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    let submitted = 0;
    sharer.doc.getElementById('f')!.addEventListener('submit', (e) => (submitted++, e.preventDefault()));
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    await waitFor(() => !!viewing.mirror.document?.getElementById('go'), 4000, 'the form in the mirror');
    const go = () => viewing.act({ a: 'click', x: 340, y: 215, id: viewing.mirror.id(viewing.mirror.document!.getElementById('go')!) });
    const refused: string[] = [];
    viewing.on('refused', (r) => refused.push(r.reason));
    go();
    await waitFor(() => !!part(banner, 'confirm-submit'), 4000, 'the banner asks');
    assert(
      part(banner, 'confirm-submit')!.textContent!.includes('The agent wants to submit this form'),
      part(banner, 'confirm-submit')!.textContent!,
    );
    assertEqual(submitted, 0);
    part(banner, 'decline-submit')!.click();
    await waitFor(() => refused.includes('submit-declined'), 4000, 'the agent hears the customer said no');
    assertEqual(submitted, 0);
    await banner.updateComplete;
    assertEqual(part(banner, 'confirm-submit'), null);
    go();
    await waitFor(() => !!part(banner, 'submit'), 4000, 'asked again');
    part(banner, 'submit')!.click();
    await waitFor(() => submitted === 1, 4000, 'submitted once the customer said yes').catch((e) => {
      throw new Error(`${e.message}: refused ${refused.join(',')}; at the point: ${sharer.doc.elementFromPoint(340, 215)?.localName}`);
    });
  });

  it('in Japanese with lang="ja" on the page', async () => {
    const { sharer, api } = await sharerPage('', 'ja');
    const { sharing, viewing } = await pair(sharer, api);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    await banner.updateComplete;
    assertEqual(part(banner, 'message')!.textContent, 'オペレーターがこのページを表示しています');
    assertEqual(part(banner, 'stop')!.textContent, '共有を停止');
    assert(part(banner, 'viewer')!.textContent!.includes(`確認コード ${viewing.sas}`), part(banner, 'viewer')!.textContent!);
  });
});

describe('two viewers over WebRTC (signaled through a chat)', () => {
  beforeEach(function () {
    needsWebRTC(this);
  });
  it('the banner counts them and shows both codes, the annotations one cursor each; one leaves, both update', async function () {
    this.timeout(60_000);
    const join = chatRoom();
    const { sharer, api } = await sharerPage();
    const rtc = { iceServers: [] };
    const sharing = await api.startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: api.createChatSignaling(join('customer')),
      rtc,
    });
    open.push(sharing);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    const layer = api.showAnnotations(sharing);
    await banner.updateComplete;
    assertEqual(part(banner, 'message')!.textContent, 'Waiting for the agent to connect…');
    const viewers: ViewingSession[] = [];
    for (const name of ['agent', 'supervisor']) {
      const v = await startViewing({
        container: viewerContainer(),
        signaling: createChatSignaling(join(name)),
        invitation: sharing.invitation!,
        rtc,
      });
      open.push(v);
      viewers.push(v);
    }
    await Promise.all(viewers.map((v) => v.connected));
    await waitFor(() => sharing.viewerList.length === 2, 4000, 'two viewers');
    await banner.updateComplete;
    assertEqual(part(banner, 'message')!.textContent, '2 people are viewing this page');
    const codes = () => [...shadow(banner).querySelectorAll('[part~="code"]')].map((c) => c.textContent).sort();
    assertEqual(codes(), viewers.map((v) => v.sas).sort());
    viewers[0]!.pointer(50, 60);
    viewers[1]!.pointer(250, 160);
    await waitFor(() => shadow(layer).querySelectorAll('[part~="cursor"]').length === 2, 4000, 'two cursors');
    viewers[0]!.stop();
    await waitFor(() => sharing.viewerList.length === 1, 4000, 'the sharer to drop the viewer who left');
    await banner.updateComplete;
    assertEqual(part(banner, 'message')!.textContent, 'An agent is viewing this page');
    assertEqual(codes(), [viewers[1]!.sas]);
    await waitFor(() => shadow(layer).querySelectorAll('[part~="cursor"]').length === 1, 4000, 'the leaver’s cursor to go');
  });
});

describe('annotations over a real session', () => {
  it('the agent’s pointer moves the cursor there, a click makes a ripple; it never blocks the page and ends with the session', async () => {
    const { sharer, api } = await sharerPage();
    const { sharing, viewing } = await pair(sharer, api);
    const layer = api.showAnnotations(sharing);
    await layer.updateComplete;
    assert(layer.hasAttribute('data-cobrowse-ignore'), 'never captured');
    viewing.pointer(160, 90);
    await waitFor(() => !!part(layer, 'cursor'), 4000, 'a cursor');
    const cursor = part(layer, 'cursor')!;
    await waitFor(
      () => {
        const r = cursor.getBoundingClientRect();
        return Math.abs(r.left - 160) < 0.5 && Math.abs(r.top - 90) < 0.5;
      },
      4000,
      'the cursor to reach (160, 90) in the page’s viewport',
    );
    // the agent's pointer leaves its view: the cursor goes; it comes back with the next move
    viewing.pointerOut();
    await waitFor(() => !part(layer, 'cursor'), 4000, 'the cursor to go when the pointer leaves the view');
    viewing.pointer(200, 210);
    await waitFor(() => !!part(layer, 'cursor'), 4000, 'the cursor back');
    const moved = part(layer, 'cursor')!;
    await waitFor(() => Math.abs(moved.getBoundingClientRect().left - 200) < 0.5, 4000, 'the cursor to move');
    assertEqual(shadow(layer).querySelectorAll('[part~="cursor"]').length, 1, 'one cursor per viewer');
    viewing.click(210, 220);
    await waitFor(() => !!part(layer, 'ripple'), 4000, 'a ripple');
    const ripple = part(layer, 'ripple')!;
    const rr = ripple.getBoundingClientRect();
    assert(
      Math.abs(rr.left + rr.width / 2 - 210) < 2 && Math.abs(rr.top + rr.height / 2 - 220) < 2,
      `ripple centred on the click: ${JSON.stringify(rr)}`,
    );
    assertEqual(sharer.win.getComputedStyle(ripple).animationName, 'ripple');
    await waitFor(() => !ripple.isConnected, 3000, 'the ripple to go');

    // the layer covers the viewport but takes no pointer: the page still gets what is under it
    const lr = layer.getBoundingClientRect();
    assertEqual([lr.width, lr.height], [sharer.win.innerWidth, sharer.win.innerHeight], 'full viewport');
    assertEqual(sharer.doc.elementFromPoint(200, 210)?.id, 'buy', 'hit testing goes through the layer');
    assertEqual(sharer.doc.elementFromPoint(20, 20)?.id, 'title');
    let clicks = 0;
    sharer.doc.getElementById('buy')!.addEventListener('click', () => clicks++);
    const f = sharer.frame.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(f.left + 200), Math.round(f.top + 215)] });
    assertEqual(clicks, 1, 'a real click under the cursor reaches the page');

    // never in the agent's view
    sharer.doc.getElementById('title')!.textContent = 'moved';
    await waitFor(() => viewing.mirror.document?.getElementById('title')?.textContent === 'moved', 4000, 'the mirror to follow');
    assertEqual(viewing.mirror.document!.querySelector('cobrowse-annotations, svg'), null, 'not in the mirror');

    sharing.stop();
    await waitFor(() => !layer.isConnected, 2000, 'the layer to be removed when the session ends');
  });

  it("drawing: the agent's strokes follow the page's scroll and fade; the customer's pen (Draw in the banner) reaches the agent; Clear", async () => {
    const { sharer, api } = await sharerPage('<div style="height:3000px"></div>');
    const { sharing, viewing } = await pair(sharer, api);
    const layer = api.showAnnotations(sharing);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    await banner.updateComplete;
    // the agent draws at page (100, 300)→(200, 300)
    viewing.ink({ id: 1, points: [100, 300, 200, 300], end: true });
    await waitFor(() => !!part(layer, 'stroke'), 4000, 'the agent’s stroke on the customer’s page');
    const path = () => part(layer, 'stroke')!;
    assertEqual(path().getAttribute('stroke'), sharing.inkColor('transport'), 'in the colour the page gave that viewer');
    const box = () => path().getBoundingClientRect();
    assert(Math.abs(box().left - 100) < 4 && Math.abs(box().top - 300) < 4, `drawn where it was drawn: ${JSON.stringify(box())}`);
    sharer.win.scrollTo(0, 200);
    await waitFor(() => Math.abs(box().top - 100) < 4, 4000, 'the stroke moves with the page’s scroll');
    await waitFor(() => !part(layer, 'stroke'), 8000, 'the stroke fades and goes');
    // the customer's pen: Draw in the banner, a real drag on the page
    const seen: string[] = [];
    viewing.on('ink', (s) => seen.push(`${s.by} ${s.points.length}${s.end ? ' end' : ''}`));
    part(banner, 'pen')!.click();
    await waitFor(() => layer.hasAttribute('drawing'), 4000, 'the layer takes the pen');
    assertEqual(part(banner, 'pen')!.getAttribute('aria-pressed'), 'true');
    const f = sharer.frame.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(f.left + 50), Math.round(f.top + 150)] });
    await sendMouse({ type: 'down' });
    for (let i = 1; i <= 5; i++) await sendMouse({ type: 'move', position: [Math.round(f.left + 50 + i * 20), Math.round(f.top + 150)] });
    await sendMouse({ type: 'up' });
    await waitFor(() => seen.some((s) => s.endsWith(' end')), 4000, 'the customer’s stroke at the agent');
    assert(
      seen.every((s) => s.startsWith('customer ')),
      seen.join(' | '),
    );
    assert(seen.reduce((n, s) => n + Number(s.split(' ')[1]), 0) >= 12, `six points or more: ${seen.join(' | ')}`);
    const cleared: string[] = [];
    viewing.on('inkclear', ({ by }) => cleared.push(by));
    part(banner, 'clear-ink')!.click();
    await waitFor(() => cleared.includes('customer'), 4000, 'Clear reaches the agent');
    part(banner, 'pen')!.click();
    await waitFor(() => !layer.hasAttribute('drawing'), 4000, 'pen off: the page gets its pointer back');
    await resetMouse();
  });

  it('no frame ever holds the sharer elements: tag names, their text (canaries) — banner, annotations, consent', async () => {
    const token = `SHARERCANARY${Math.random().toString(36).slice(2, 8)}`;
    const { sharer, api } = await sharerPage();
    api.setMessages('en', { viewingOne: `${token}banner`, consentTitle: `${token}consent`, share: `${token}button` });
    const s = await startSession(sharer); // a plain capture of the same page: its raw frames
    const { sharing, viewing } = await pair(sharer, api);
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    const consent = new api.CobrowseConsent();
    sharer.doc.body.append(consent);
    void consent.ask();
    sharer.doc.body.append(new api.CobrowseShareButton());
    const layer = api.showAnnotations(sharing);
    viewing.pointer(10, 10);
    viewing.click(30, 30);
    await waitFor(() => !!part(layer, 'ripple'), 4000, 'a ripple');
    assert(shadow(banner).textContent!.includes(`${token}banner`), 'the canary is on the page');
    sharer.doc.getElementById('title')!.textContent = 'changed';
    await s.settle();
    s.handle.resync();
    await s.settle();
    const enc = new TextEncoder();
    const needles = [
      `${token}banner`,
      `${token}consent`,
      `${token}button`,
      'cobrowse-sharing-banner',
      'cobrowse-annotations',
      'cobrowse-consent',
      'cobrowse-share-button',
      viewing.sas!,
    ];
    const leaks: string[] = [];
    for (const n of needles) s.frames.forEach((f, i) => countBytes(f, enc.encode(n)) && leaks.push(`${n} in frame ${i}`));
    assertEqual(leaks, []);
    assert(s.frames.length >= 3, 'frames were written meanwhile');
    await s.expectSame('the mirror is the page without the elements', {
      absent: (n) => n.nodeType === 1 && (n as Element).hasAttribute('data-cobrowse-ignore'),
      styles: false,
    });
    s.stop();
    consent.remove();
  });
});

/** A session whose viewer must be approved through the consent dialog, and that viewer connecting. */
async function approvalPair(sharer: Sharer, api: Api, options: Partial<Parameters<Api['startSharing']>[0]> = {}, own = false) {
  const [a, b] = createLoopbackPair();
  const sharing = await api.startSharing({
    document: sharer.doc,
    transport: intoRealm(a, sharer.win),
    secret: SECRET,
    viewerName: () => 'Alice',
    ...options,
  });
  open.push(sharing);
  let consent: CobrowseConsent;
  if (own) {
    // an element of the page's own, given the session (showConsent would also remove it at the end)
    consent = new api.CobrowseConsent();
    consent.session = sharing;
    sharer.doc.body.append(consent);
  } else {
    consent = api.showConsent(sharing);
    assert(!consent.isConnected && !consent.open, 'no dialog on the page before a viewer is there');
  }
  const viewing: ViewingSession = await startViewing({ container: viewerContainer(), transport: b, secret: SECRET });
  open.push(viewing);
  await waitFor(() => consent.open && !!viewing.sas, 4000, 'the dialog to open once the viewer is known');
  await consent.updateComplete;
  return { sharing, viewing, consent };
}

describe('<cobrowse-consent> approves viewers of a session', () => {
  it("'prompt': opens when the viewer's handshake is done, names it and shows its code; one click on Allow lets that viewer see the page", async () => {
    const { sharer, api } = await sharerPage();
    const { sharing, viewing, consent } = await approvalPair(sharer, api);
    assertEqual(part(consent, 'title')!.textContent, 'Alice wants to see this page');
    const code = viewing.sas!;
    assertEqual(part(consent, 'code')!.textContent, `${code.slice(0, 3)} ${code.slice(3)}`, "the agent's code, easy to read out");
    assert(
      /Allow only if they read out this same code/.test(part(consent, 'code-line')!.textContent!),
      part(consent, 'code-line')!.textContent!,
    );
    assertEqual(shadow(consent).activeElement?.getAttribute('part'), 'button deny', 'focus on the safe choice');
    assertEqual(sharing.viewerList, [], 'nothing shared yet');
    const allowed = events(sharer.doc, 'cobrowse-allow');
    part(consent, 'allow')!.click();
    await viewing.connected;
    assertEqual(allowed, ['cobrowse-allow']);
    assert(!consent.open, 'closed after the answer');
    assertEqual(sharing.sas, code);
    assertEqual(viewing.mirror.document!.getElementById('title')!.textContent, 'Kumo Tea');
  });

  it('a dialog already on the page follows the session it is given later, and lets go of the one it replaces', async () => {
    const { sharer, api } = await sharerPage();
    const consent = new api.CobrowseConsent();
    sharer.doc.body.append(consent);
    await consent.updateComplete;
    const start = async (viewerName: string) => {
      const [a, b] = createLoopbackPair();
      const sharing = await api.startSharing({
        document: sharer.doc,
        transport: intoRealm(a, sharer.win),
        secret: SECRET,
        viewerName: () => viewerName,
      });
      open.push(sharing);
      const view = async () => {
        const viewing: ViewingSession = await startViewing({ container: viewerContainer(), transport: b, secret: SECRET });
        open.push(viewing);
        return viewing;
      };
      return { sharing, view };
    };
    const replaced = await start('Mallory');
    consent.session = replaced.sharing;
    await consent.updateComplete;
    const current = await start('Alice');
    consent.session = current.sharing;
    await consent.updateComplete;
    // a viewer of the replaced session waits, and this dialog does not ask about it
    await replaced.view();
    await waitFor(() => replaced.sharing.pendingList.length === 1, 4000, "the replaced session's viewer to wait");
    await consent.updateComplete;
    assert(!consent.open, 'not asked about a session the dialog no longer has');
    // the session it has now: its viewer is asked about, by name, and approved with one click
    const viewing = await current.view();
    await waitFor(() => consent.open && !!viewing.sas, 4000, "the dialog to open for its session's viewer");
    await consent.updateComplete;
    assertEqual(part(consent, 'title')!.textContent, 'Alice wants to see this page');
    part(consent, 'allow')!.click();
    await viewing.connected;
    assertEqual(replaced.sharing.viewerList, [], "the replaced session's viewer was never approved");
  });

  it('Deny refuses that viewer: it is told "denied" and gets nothing', async () => {
    const { sharer, api } = await sharerPage();
    const { viewing, consent } = await approvalPair(sharer, api);
    let frames = 0;
    viewing.on('frame', () => frames++);
    part(consent, 'deny')!.click();
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to end');
    assertEqual(frames, 0);
    await viewing.connected.then(
      () => assert(false, 'must not connect'),
      (e: Error) => assert(/denied/.test(e.message), e.message),
    );
    assert(!consent.open);
  });

  it("'code': the customer types the agent's code (real keys); a wrong one says so and counts, the right one approves", async () => {
    const { sharer, api } = await sharerPage();
    const { sharing, viewing, consent } = await approvalPair(sharer, api, { approve: 'code' });
    assertEqual(part(consent, 'code'), null, "the page does not show the code in 'code' mode");
    const input = part(consent, 'code-input') as HTMLInputElement;
    assertEqual(shadow(consent).activeElement, input, 'focus in the code field');
    const wrong = viewing.sas === '000000' ? '111111' : '000000';
    await typeKeys(wrong, input);
    await sendKeys({ press: 'Enter' });
    await consent.updateComplete;
    assert(consent.open, 'still asking');
    assertEqual(part(consent, 'code-error')!.textContent, 'That is not their code. Tries left: 2.');
    assertEqual(input.value, '', 'cleared for the next try');
    assertEqual(sharing.viewerList, []);
    const code = `${viewing.sas!.slice(0, 3)} ${viewing.sas!.slice(3)}`;
    await typeKeys(code, input);
    assertEqual(input.value, code, 'every typed key in the code field');
    part(consent, 'allow')!.click();
    await waitFor(() => viewing.state === 'connected', 10_000, 'the approved viewer to connect');
    assert(!consent.open);
    assertEqual(sharing.sas, viewing.sas);
  });

  it("'code': the third wrong code denies the viewer and closes the dialog", async () => {
    const { sharer, api } = await sharerPage();
    const { viewing, consent } = await approvalPair(sharer, api, { approve: 'code' });
    const wrong = viewing.sas === '000000' ? '111111' : '000000';
    const denied = events(sharer.doc, 'cobrowse-deny');
    for (let i = 0; i < 3; i++) {
      (part(consent, 'code-input') as HTMLInputElement).value = wrong;
      part(consent, 'allow')!.click();
      await consent.updateComplete;
    }
    assert(!consent.open, 'closed');
    assertEqual(denied, ['cobrowse-deny']);
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to end');
  });

  it('closes by itself when the request ends without an answer (approval timeout); the banner says who waits', async () => {
    const { sharer, api } = await sharerPage();
    const banner = new api.CobrowseSharingBanner();
    sharer.doc.body.append(banner);
    const { sharing, viewing, consent } = await approvalPair(sharer, api, { approvalTimeout: 800 }, true);
    banner.session = sharing;
    await banner.updateComplete;
    assertEqual(part(banner, 'message')!.textContent, 'An agent is waiting for your answer');
    await waitFor(() => !consent.open, 5000, 'the dialog to close');
    assert(consent.isConnected, 'closed by the end of the request, not by being removed');
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to end');
    await viewing.connected.catch((e: Error) => assert(/approval-timeout/.test(e.message), e.message));
  });

  it('the banner names an approved viewer; Japanese title with the name', async () => {
    const { sharer, api } = await sharerPage('', 'ja');
    const { sharing, viewing, consent } = await approvalPair(sharer, api);
    assertEqual(part(consent, 'title')!.textContent, 'Aliceさんがこのページの表示を求めています');
    part(consent, 'allow')!.click();
    await viewing.connected;
    const banner = new api.CobrowseSharingBanner();
    banner.session = sharing;
    sharer.doc.body.append(banner);
    await banner.updateComplete;
    assertEqual(part(banner, 'name')!.textContent, 'Alice');
    assert(part(banner, 'viewer')!.textContent!.includes(`確認コード ${viewing.sas}`), part(banner, 'viewer')!.textContent!);
  });
});
