// Who controls the customer's page (issue 16): a viewer asks, the customer's page decides, one viewer
// at a time, and control ends when the customer takes it back, the tab is hidden, the viewer leaves
// or gives it back, or the session ends. Sessions run over the loopback transport in one page.
import { startSharing, startViewing, createLoopbackPair, createChatSignaling, enableRemoteControl } from '../src/index.js';
import { chatRoom } from './helpers/chat-room.js';
import type { ControlChange, SharingOptions, SharingSession, ViewingSession } from '../src/index.js';
import { afterEach, assert, assertEqual, before, describe, it } from './helpers/assert.js';
import { createSharer, waitFor } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';
import { sendKeys } from './helpers/commands.js';
import { needsWebRTC } from './helpers/engine.js';

afterEach(cleanupSessions);

const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';

async function pair(options: SharingOptions = {}) {
  const sharer = await createSharer({ html: '<!doctype html><p>page</p>' });
  const [a, b] = createLoopbackPair();
  const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET, ...options });
  const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
  open.push(sharing, viewing);
  await viewing.connected;
  return { sharer, sharing, viewing };
}

/** Every `control` event of the sharer and of the viewer, in order. */
function record(sharing: SharingSession, viewing: ViewingSession) {
  const page: ControlChange[] = [];
  const viewer: string[] = [];
  sharing.on('control', (c) => page.push(c));
  viewing.on('control', (c) => viewer.push(c.reason ? `${c.state}:${c.reason}` : c.state));
  return { page, viewer };
}

// first, before anything enables it in this page: the sharer core alone has no remote control
describe('remote control: a page without it', () => {
  it('every request is answered unavailable, and the customer is never asked', async () => {
    const { sharing, viewing } = await pair();
    const seen = record(sharing, viewing);
    const asked: string[] = [];
    sharing.on('controlrequest', (r) => asked.push(r.id));
    viewing.requestControl();
    await waitFor(() => seen.viewer.length === 1, 4000, 'answered');
    assertEqual(seen.viewer, ['none:unavailable']);
    assertEqual(asked, []);
    assert(!sharing.grantControl('transport'), 'nothing to grant');
  });
});

describe('remote control: request, consent, revoke', () => {
  before(() => enableRemoteControl());
  it('prompt: the page is asked; Allow grants it; the customer takes it back', async () => {
    const { sharing, viewing } = await pair();
    const seen = record(sharing, viewing);
    const asked: string[] = [];
    sharing.on('controlrequest', (r) => asked.push(r.id));
    viewing.requestControl();
    await waitFor(() => asked.length === 1, 4000, 'the page is asked');
    assertEqual(viewing.control, 'asking');
    assertEqual(sharing.controller, null, 'nobody controls while the customer is asked');
    assert(sharing.grantControl(asked[0]!), 'granted');
    await waitFor(() => viewing.control === 'granted', 4000, 'the viewer hears it is granted');
    assertEqual(sharing.controller?.id, asked[0]);
    sharing.revokeControl();
    await waitFor(() => viewing.control === 'none', 4000, 'the viewer hears control ended');
    assertEqual(seen.viewer, ['asking', 'granted', 'none:revoked']);
    assertEqual(
      seen.page.map((c) => `${c.granted}:${c.reason ?? ''}`),
      ['true:', 'false:revoked'],
    );
    assertEqual(sharing.controller, null);
  });

  it('Deny, and a request nobody answers expires', async () => {
    const { sharing, viewing } = await pair({ controlTimeout: 300 });
    const seen = record(sharing, viewing);
    const asked: string[] = [];
    sharing.on('controlrequest', (r) => asked.push(r.id));
    viewing.requestControl();
    await waitFor(() => asked.length === 1, 4000, 'asked');
    sharing.denyControl(asked[0]!);
    await waitFor(() => viewing.control === 'none', 4000, 'denied');
    viewing.requestControl();
    await waitFor(() => asked.length === 2, 4000, 'asked again');
    await waitFor(() => seen.viewer.length === 4, 4000, 'the second request ends by itself');
    assertEqual(seen.viewer, ['asking', 'none:denied', 'asking', 'none:expired']);
    assert(!sharing.grantControl(asked[1]!), 'an expired request cannot be granted');
    assertEqual(viewing.control, 'none');
  });

  it('control: false refuses every request without asking; a function decides per viewer', async () => {
    const never = await pair({ control: false });
    const asked: string[] = [];
    never.sharing.on('controlrequest', (r) => asked.push(r.id));
    const seen = record(never.sharing, never.viewing);
    never.viewing.requestControl();
    await waitFor(() => seen.viewer.length === 1, 4000, 'answered');
    assertEqual(seen.viewer, ['none:not-allowed']);
    assertEqual(asked, [], 'the customer is not asked');

    const calls: string[] = [];
    const decided = await pair({ control: (viewer) => (calls.push(viewer.id), true) });
    decided.viewing.requestControl();
    await waitFor(() => decided.viewing.control === 'granted', 4000, 'the function granted it');
    assertEqual(calls, ['transport']);
  });

  it('an observer (viewerRole) is refused; a throwing viewerRole fails safe', async () => {
    const { sharing, viewing } = await pair({ viewerRole: () => 'observer' });
    const seen = record(sharing, viewing);
    viewing.requestControl();
    await waitFor(() => seen.viewer.length === 1, 4000, 'answered');
    assertEqual(seen.viewer, ['none:observer']);
    assertEqual(sharing.viewerList[0]?.role, 'observer');

    const broken = await pair({
      viewerRole: () => {
        throw new Error('chat lookup failed');
      },
    });
    const seen2 = record(broken.sharing, broken.viewing);
    broken.viewing.requestControl();
    await waitFor(() => seen2.viewer.length === 1, 4000, 'answered');
    assertEqual(seen2.viewer, ['none:observer']);
  });

  it('the viewer gives control back; the session ending ends it', async () => {
    const { sharing, viewing } = await pair({ control: () => true });
    const seen = record(sharing, viewing);
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    viewing.releaseControl();
    await waitFor(() => sharing.controller === null, 4000, 'released');
    assertEqual(seen.page.at(-1)?.reason, 'released');
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted again');
    sharing.stop();
    await waitFor(() => viewing.control === 'none', 4000, 'ended with the session');
    assertEqual(seen.page.at(-1)?.reason, 'ended');
  });

  it("the customer's tab hidden ends control", async () => {
    const { sharer, sharing, viewing } = await pair({ control: () => true });
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    // a hidden tab: the document says so and fires visibilitychange (headless tabs never hide)
    Object.defineProperty(sharer.doc, 'visibilityState', { value: 'hidden', configurable: true });
    sharer.doc.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => viewing.control === 'none', 4000, 'control ended');
    assertEqual(sharing.controller, null);
  });

  it("startViewing({ role: 'observer' }): the viewer says it only watches; the page never lets it control", async () => {
    const sharer = await createSharer({ html: '<!doctype html><p>page</p>' });
    const [a, b] = createLoopbackPair();
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      transport: a,
      secret: SECRET,
      control: () => true,
    });
    const viewing = await startViewing({ container: container(), transport: b, secret: SECRET, role: 'observer' });
    open.push(sharing, viewing);
    await viewing.connected;
    await waitFor(() => sharing.viewerList[0]?.role === 'observer', 4000, 'the page knows it is an observer');
    const seen = record(sharing, viewing);
    viewing.requestControl();
    await waitFor(() => seen.viewer.length === 1, 4000, 'answered');
    assertEqual(seen.viewer, ['none:observer']);
  });

  it("the customer's own Escape takes control back; a synthetic Escape (what the agent's keys are) does not", async () => {
    const { sharer, sharing, viewing } = await pair({ control: () => true });
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    const input = sharer.doc.createElement('input');
    sharer.doc.body.append(input);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await new Promise((r) => setTimeout(r, 100));
    assertEqual(viewing.control, 'granted', 'an untrusted Escape changes nothing');
    sharer.frame.focus();
    input.focus();
    await sendKeys({ press: 'Escape' });
    await waitFor(() => viewing.control === 'none', 4000, 'taken back');
    assertEqual(sharing.controller, null);
  });

  it('one viewer at a time: a second request while one asks or controls is refused (busy); the others watch', async function () {
    needsWebRTC(this); // two viewers: signaled through a chat, over RTCPeerConnections
    const join = chatRoom();
    const sharer = await createSharer({ html: '<!doctype html><p>page</p>' });
    const rtc = { iceServers: [] };
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
    });
    open.push(sharing);
    const [agent, supervisor] = await Promise.all(
      ['agent', 'supervisor'].map(async (name) => {
        const v = await startViewing({
          container: container(),
          signaling: createChatSignaling(join(name)),
          invitation: sharing.invitation!,
          rtc,
        });
        open.push(v);
        await v.connected;
        return v;
      }),
    );
    const asked: string[] = [];
    sharing.on('controlrequest', (r) => asked.push(r.id));
    const heard: string[] = [];
    supervisor!.on('control', (c) => heard.push(`${c.state}:${c.reason ?? ''}`));
    agent!.requestControl();
    await waitFor(() => asked.length === 1, 4000, 'the agent asks');
    supervisor!.requestControl();
    await waitFor(() => heard.length === 1, 4000, 'the supervisor is answered');
    assertEqual(heard, ['none:busy'], 'refused while the agent asks');
    assert(sharing.grantControl(asked[0]!), 'the agent gets control');
    supervisor!.requestControl();
    await waitFor(() => heard.length === 2, 4000, 'answered again');
    assertEqual(heard[1], 'none:busy', 'refused while the agent controls');
    assertEqual(asked.length, 1, 'the customer was never asked about the supervisor');
    assertEqual(agent!.control, 'granted');
  });

  it("the agent's input under control reaches the customer's page; a private field and acting without control are refused, with why", async () => {
    const html = `<!doctype html><body style="margin:0">
      <input id="name" style="position:absolute;left:10px;top:10px;width:200px;height:30px">
      <input id="card" autocomplete="cc-number" style="position:absolute;left:10px;top:60px;width:200px;height:30px">
      <form id="f" action="#" style="position:absolute;left:10px;top:110px"><button id="go" style="width:80px;height:30px">Go</button></form>
    </body>`;
    const sharer = await createSharer({ html });
    const [a, b] = createLoopbackPair();
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      transport: a,
      secret: SECRET,
      control: () => true,
      // the test page is an about:srcdoc frame: its links and forms resolve against this origin
      controlRules: { allowedOrigins: [location.origin] },
    });
    const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
    open.push(sharing, viewing);
    await viewing.connected;
    const refusedAtViewer: string[] = [];
    const refusedOnPage: string[] = [];
    viewing.on('refused', (r) => refusedAtViewer.push(`${r.action} ${r.reason}`));
    sharing.on('refused', (r) => refusedOnPage.push(`${r.action} ${r.reason}`));
    // before control: nothing happens, the agent is told (its session does not even send it)
    viewing.act({ a: 'click', x: 50, y: 25, id: 0 });
    viewing.requestControl();
    await waitFor(() => viewing.control === 'granted', 4000, 'granted');
    const idOf = (id: string) => viewing.mirror.id(viewing.mirror.document!.getElementById(id)!);
    await waitFor(() => !!viewing.mirror.document?.getElementById('name'), 4000, 'the page in the mirror');
    viewing.act({ a: 'click', x: 50, y: 25, id: idOf('name') });
    for (const key of ['h', 'i']) viewing.act({ a: 'key', key, shift: false, ctrl: false, alt: false, meta: false });
    const name = sharer.doc.getElementById('name') as HTMLInputElement;
    await waitFor(() => name.value === 'hi', 4000, 'the typed text on the customer’s page');
    await waitFor(
      () => (viewing.mirror.document!.getElementById('name') as HTMLInputElement).value === 'hi',
      4000,
      'and back in the mirror',
    );
    // the card field is private to the customer: refused on the page, the agent told why
    viewing.act({ a: 'click', x: 50, y: 75, id: idOf('card') });
    await waitFor(() => refusedAtViewer.length === 1, 4000, 'the refusal');
    assertEqual(refusedAtViewer, ['click private']);
    assertEqual(refusedOnPage, ['click private']);
    assert(sharer.doc.activeElement !== sharer.doc.getElementById('card'), 'the card field never got focus');
    // a submit waits for the customer
    const confirms: string[] = [];
    sharing.on('controlconfirm', (v) => confirms.push(v.id));
    let submitted = 0;
    sharer.doc.getElementById('f')!.addEventListener('submit', (e) => (submitted++, e.preventDefault()));
    viewing.act({ a: 'click', x: 50, y: 125, id: idOf('go') });
    await waitFor(() => confirms.length === 1, 4000, 'the customer asked to confirm').catch((e) => {
      throw new Error(`${e.message}; refused: ${refusedAtViewer.join(', ')}`);
    });
    await waitFor(() => refusedAtViewer.at(-1) === 'click confirm-submit', 4000, 'the agent told it waits');
    assertEqual(submitted, 0, 'not before the customer says so');
    sharing.confirmSubmit();
    await waitFor(() => submitted === 1, 4000, 'submitted after the customer confirmed');
    // control taken back: a late action of the agent's does nothing
    sharing.revokeControl();
    await waitFor(() => viewing.control === 'none', 4000, 'revoked');
    name.blur();
    viewing.act({ a: 'click', x: 50, y: 25, id: idOf('name') });
    await new Promise((r) => setTimeout(r, 100));
    assert(sharer.doc.activeElement !== name, 'no click after control ended');
  });
});
