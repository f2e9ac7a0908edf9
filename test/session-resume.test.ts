// Sessions that survive the real world, inside one page with real RTCPeerConnections: the data
// channel dies and comes back without anyone's action; the sharer's page is replaced by the next
// page of the site and the viewer follows; five viewers, one failing, the others undisturbed.
// Every case ends with the sharer's document compared with each mirror.
import { resumeSharing, SecureError, startSharing, startViewing } from '../src/index.js';
import { chatRoom, signalingRoom, type Member } from './helpers/chat-room.js';
import { createChatSignaling } from '../src/index.js';
import type { SharingSession, StateChange, ViewingSession } from '../src/index.js';
import { afterEach, assert, assertEqual, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { compareDocuments } from './helpers/compare.js';
import { createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';

// every test of this file needs a real RTCPeerConnection
beforeEach(function () {
  needsWebRTC(this);
});

const PAGE = `<!doctype html><html><head><style>.hot{color:red}</style></head><body>
  <h1 id="title">Kumo Tea</h1><ul id="list"><li>Sencha</li></ul><input id="name" value="Ann"></body></html>`;
const rtc = { iceServers: [] };

// Every RTCPeerConnection the sessions make, so a test can cut one like a network would.
const connections: RTCPeerConnection[] = [];
// (only where there is one: in WebKitGTK the file must still load, for its tests to be skipped by name)
const NativePC = window.RTCPeerConnection as typeof RTCPeerConnection | undefined;
if (NativePC) {
  window.RTCPeerConnection = class extends NativePC {
    constructor(config?: RTCConfiguration) {
      super(config);
      connections.push(this);
    }
  } as typeof RTCPeerConnection;
}

afterEach(() => {
  cleanupSessions();
  for (const pc of connections.splice(0)) pc.close();
});

const converged = (sharer: Sharer, v: ViewingSession) =>
  v.state === 'connected' && compareDocuments(sharer.doc, v.mirror.document, { mirror: v.mirror, styles: false }).length === 0;

function record(session: SharingSession | ViewingSession): StateChange[] {
  const seen: StateChange[] = [];
  (session as ViewingSession).on('state', (s: StateChange) => seen.push(s));
  return seen;
}

/** Closes the connections made since `from`: what a dead network does, without a goodbye. */
function cut(from: number): void {
  for (const pc of connections.slice(from)) pc.close();
}

describe('session: reconnection', () => {
  it('a dead connection comes back by itself; what changed in the gap arrives; the code stays', async function () {
    this.timeout(60_000);
    const join = signalingRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, signaling: join('customer'), rtc });
    const viewing = await startViewing({ container: container(), signaling: join('agent'), invitation: sharing.invitation!, rtc });
    open.push(sharing, viewing);
    await viewing.connected;
    const code = viewing.sas;
    const states = record(viewing);
    const t0 = performance.now();
    cut(0);
    // the customer goes on while the link is down
    sharer.doc.getElementById('title')!.textContent = 'changed while disconnected';
    sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', '<li>Gyokuro</li>');
    await waitFor(() => states.some((s) => s.state === 'reconnecting'), 10_000, 'reconnecting');
    await waitFor(() => converged(sharer, viewing), 20_000, 'the viewer to converge again');
    console.log(`reconnected and converged in ${(performance.now() - t0).toFixed(0)} ms`);
    assertEqual(
      states.map((s) => s.state),
      ['reconnecting', 'connected'],
    );
    assertEqual(viewing.sas, code, 'the code compared once still holds');
    assertEqual(sharing.viewerList.length, 1, 'the same viewer, not a second one');
    assertEqual(sharing.viewerList[0]!.sas, code);
    sharer.doc.getElementById('title')!.textContent = 'and live again';
    await waitFor(() => converged(sharer, viewing), 5000, 'live deltas after the reconnection');
  });

  it('gives up after reconnectTimeout with the reason "unreachable"', async function () {
    this.timeout(30_000);
    const join = signalingRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: join('customer'),
      rtc,
      reconnectTimeout: 1500,
    });
    const viewing = await startViewing({
      container: container(),
      signaling: join('agent'),
      invitation: sharing.invitation!,
      rtc,
      reconnectTimeout: 1500,
    });
    open.push(viewing);
    await viewing.connected;
    const left: string[] = [];
    sharing.on('viewerleft', (v) => left.push(v.reason));
    sharing.stop = () => {}; // the customer's page is gone for good: no goodbye
    const sharerRouter = (sharing as unknown as { router: { detach(): void } }).router;
    sharerRouter.detach(); // and it answers no redial
    const states = record(viewing); // from before the cut: every change the viewer goes through
    cut(0);
    await waitFor(() => viewing.state === 'ended', 10_000, 'the viewer to give up');
    const gaveUp: StateChange[] = [{ state: 'reconnecting' }, { state: 'ended', reason: 'unreachable' }];
    assertEqual(states, gaveUp, 'the viewer tried to reconnect, then gave up as unreachable');
    await waitFor(() => left.length === 1, 5000, 'the sharer to drop the viewer');
    assertEqual(left, ['unreachable']);
    assertEqual(states, gaveUp, 'nothing after "ended"');
  });
});

describe('session: navigation', () => {
  it("the sharer's next page resumes the session and the viewer follows, with no new invitation", async function () {
    this.timeout(60_000);
    const join = signalingRoom();
    const first = await createSharer({ html: PAGE });
    let asked = 0;
    const approve = async () => (asked++, true);
    const sharing = await startSharing({ approve, document: first.doc, signaling: join('customer'), rtc });
    const viewing = await startViewing({ container: container(), signaling: join('agent'), invitation: sharing.invitation!, rtc });
    open.push(viewing);
    await viewing.connected;
    const code = viewing.sas;
    const states = record(viewing);
    // the customer follows a link: the page says goodbye ('pagehide'), then it is gone
    const pcsOfFirstPage = connections.length;
    const t0 = performance.now();
    first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
    cut(0);
    const next = await createSharer({ html: PAGE.replace('Kumo Tea', 'Your cart').replace('Sencha', 'Sencha × 2') });
    const resumed = await resumeSharing({ approve, document: next.doc, signaling: join('customer'), rtc });
    assert(resumed, 'the next page finds the session to resume');
    assert(
      resumed.invitation!.secret !== sharing.invitation!.secret,
      'the next page invites with a fresh secret (the old one was never stored)',
    );
    open.push(resumed);
    await waitFor(() => converged(next, viewing), 20_000, 'the viewer to show the next page');
    console.log(`the viewer followed the navigation in ${(performance.now() - t0).toFixed(0)} ms`);
    assert(connections.length > pcsOfFirstPage, 'a new connection');
    assertEqual(
      states.map((s) => s.state),
      ['reconnecting', 'connected'],
    );
    assertEqual(viewing.sas, code);
    assertEqual(
      resumed.viewerList.map((v) => v.sas),
      [code],
    );
    assertEqual(viewing.mirror.document!.getElementById('title')!.textContent, 'Your cart');
    assertEqual(asked, 1, 'the approved viewer is not asked about again on the next page');
  });

  it('the next page dials again when its first dial is not answered (a viewer still busy with the old page)', async function () {
    this.timeout(60_000);
    const join = chatRoom();
    const first = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: first.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
    });
    const firstPage = sharing.invitation!.peer;
    const agent = missingFirstDial(join('agent'), firstPage);
    const viewing = await startViewing({
      container: container(),
      signaling: createChatSignaling(agent.member),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(viewing);
    await viewing.connected;
    first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
    cut(0);
    const next = await createSharer({ html: PAGE.replace('Kumo Tea', 'Your cart') });
    // a first handshake may take long here: a resumption still gives way soon, so the next dial comes
    const resumed = await resumeSharing({
      approve: approveEveryViewer,
      document: next.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
      handshakeTimeout: 300_000,
    });
    assert(resumed, 'the next page finds the session to resume');
    open.push(resumed);
    const errors: Error[] = [];
    resumed.on('error', (e) => errors.push(e));
    await waitFor(() => converged(next, viewing), 45_000, 'the viewer to show the next page, after a second dial');
    assert(agent.dropped() > 0, 'positive control: the first dial never reached the viewer');
    assert(
      errors.some((e) => e instanceof SecureError && e.code === 'timeout'),
      `the unanswered attempt gave way: ${errors.map(String).join(' | ')}`,
    );
  });

  it('resumeSharing finds nothing when no session was shared in this tab', async () => {
    const join = signalingRoom();
    const sharer = await createSharer({ html: PAGE });
    assertEqual(await resumeSharing({ approve: approveEveryViewer, document: sharer.doc, signaling: join('customer'), rtc }), null);
  });

  it('stop() forgets the session: the next page does not resume it', async function () {
    this.timeout(30_000);
    const join = signalingRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, signaling: join('customer'), rtc });
    const viewing = await startViewing({ container: container(), signaling: join('agent'), invitation: sharing.invitation!, rtc });
    open.push(viewing);
    await viewing.connected;
    sharing.stop();
    assertEqual(await resumeSharing({ approve: approveEveryViewer, document: sharer.doc, signaling: join('customer'), rtc }), null);
  });
});

describe('session: many viewers', () => {
  it('five viewers, one cut off for good: the other four stay connected and converged', async function () {
    this.timeout(90_000);
    const join = signalingRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: join('customer'),
      rtc,
      reconnectTimeout: 2000,
    });
    open.push(sharing);
    const viewers: ViewingSession[] = [];
    const firstPc: number[] = [];
    for (let i = 0; i < 5; i++) {
      firstPc.push(connections.length);
      const v = await startViewing({
        container: container(),
        signaling: join(`viewer${i}`),
        invitation: sharing.invitation!,
        rtc,
        reconnectTimeout: 2000,
      });
      open.push(v);
      viewers.push(v);
      await v.connected;
    }
    assertEqual(sharing.viewerList.length, 5);
    assertEqual(new Set(sharing.viewerList.map((v) => v.sas)).size, 5, 'five channels, five sets of keys');
    const others = viewers.slice(1);
    const otherStates = others.map(record);
    // viewer 0 fails hard: its connection dies and it never comes back
    (viewers[0] as unknown as { router: { detach(): void } }).router.detach();
    viewers[0]!.stop = () => {};
    connections[firstPc[0]!]!.close();
    for (let i = 0; i < 20; i++) sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', `<li>tea ${i}</li>`);
    await waitFor(() => sharing.viewerList.length === 4, 15_000, 'the sharer to drop the failed viewer');
    for (const v of others) await waitFor(() => converged(sharer, v), 10_000, 'each other viewer to follow');
    for (const s of otherStates) assertEqual(s, [], 'the others never noticed');
  });
});

const KEY = 'cobrowse-rtc:sharing';
interface Stored {
  expires: number;
  viewers: { address: string; sas: string; resume: string; previous?: string }[];
}
/** What this tab keeps for the next page: what an XSS on any page of the site could read. */
const stored = (): Stored | null => JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;

/**
 * A chat member that does not hear the first dial of a party other than `known`: that party's first
 * offer and all it sends until its second offer are lost (the dial of a viewer still busy elsewhere).
 */
function missingFirstDial(member: Member, known: string): { member: Member; dropped: () => number } {
  let handler: Member['onmessage'] = null;
  const offers = new Map<string, number>();
  let dropped = 0;
  Object.defineProperty(member, 'onmessage', {
    get: () => (from: string, text: string) => {
      if (from !== known) {
        if (text.includes('"type":"offer"')) offers.set(from, (offers.get(from) ?? 0) + 1);
        if ((offers.get(from) ?? 0) < 2) return void dropped++;
      }
      handler?.(from, text);
    },
    set: (h: Member['onmessage']) => (handler = h),
  });
  return { member, dropped: () => dropped };
}

/** A chat member whose incoming chat messages from `prefix`-named members are counted. */
function counting(member: Member, prefix: string): { member: Member; count: () => number } {
  let handler: Member['onmessage'] = null;
  let n = 0;
  Object.defineProperty(member, 'onmessage', {
    get: () => (from: string, text: string) => {
      if (from.startsWith(prefix)) n++;
      handler?.(from, text);
    },
    set: (h: Member['onmessage']) => (handler = h),
  });
  return { member, count: () => n };
}

describe('session: resumption rules (issue 12)', () => {
  it("a resumption offered while the viewer is connected is refused: a stolen secret does not replace the agent's view", async function () {
    this.timeout(60_000);
    const join = chatRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
    });
    const agent = counting(join('agent'), 'attacker');
    const viewing = await startViewing({
      container: container(),
      signaling: createChatSignaling(agent.member),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(sharing, viewing);
    await viewing.connected;
    const states = record(viewing);
    let resumptions = 0;
    viewing.on('resumed', () => resumptions++);
    // an XSS on the customer's site reads this tab's stored state and resumes it from a page of its own
    assert(stored()?.viewers.length === 1, 'the state to steal is there');
    const fake = await createSharer({ html: PAGE.replace('Kumo Tea', 'FAKE page') });
    const attacker = await resumeSharing({
      approve: approveEveryViewer,
      document: fake.doc,
      signaling: createChatSignaling(join('attacker')),
      rtc,
      handshakeTimeout: 2000,
    });
    assert(attacker, 'the stolen state resumes');
    open.push(attacker);
    const attackerErrors: Error[] = [];
    attacker.on('error', (e) => attackerErrors.push(e));
    // until the attempt failed — or, had the viewer let it in, until the view moved
    await waitFor(() => attackerErrors.length >= 1 || resumptions > 0 || states.length > 0, 15_000, "the attacker's attempt to end");
    assert(agent.count() > 0, "positive control: the attacker's offer reached the agent's signaling");
    assertEqual(states, [], 'the view never left "connected"');
    assertEqual(resumptions, 0, 'no resumption');
    assertEqual(attacker.state, 'reconnecting', 'the attacker has no viewer');
    sharer.doc.getElementById('title')!.textContent = 'still the real page';
    await waitFor(() => converged(sharer, viewing), 5000, 'the real page, live');
  });

  it('each resumption replaces the secret on both sides; the code stays; the agent is told; no new approval', async function () {
    this.timeout(90_000);
    const join = signalingRoom();
    const sharer = await createSharer({ html: PAGE });
    let asked = 0;
    const sharing = await startSharing({ approve: async () => (asked++, true), document: sharer.doc, signaling: join('customer'), rtc });
    const viewing = await startViewing({ container: container(), signaling: join('agent'), invitation: sharing.invitation!, rtc });
    open.push(sharing, viewing);
    await viewing.connected;
    const code = viewing.sas;
    const resumed: { count: number }[] = [];
    viewing.on('resumed', (r) => resumed.push(r));
    const secrets = [stored()!.viewers[0]!.resume];
    for (let round = 1; round <= 2; round++) {
      const states = record(viewing);
      cut(0);
      sharer.doc.getElementById('title')!.textContent = `cut ${round}`;
      await waitFor(() => states.some((s) => s.state === 'reconnecting'), 10_000, `reconnecting (${round})`);
      await waitFor(() => converged(sharer, viewing), 20_000, `the viewer back (${round})`);
      // the viewer spoke on the new channel: the sharer keeps only the new secret
      await waitFor(() => stored()?.viewers[0]?.previous === undefined, 5000, `the rotation confirmed (${round})`);
      secrets.push(stored()!.viewers[0]!.resume);
      assert(secrets[round] !== secrets[round - 1], `round ${round}: a new resumption secret`);
    }
    assertEqual(resumed, [{ count: 1 }, { count: 2 }], 'the agent is told of each resumption');
    assertEqual(viewing.sas, code, 'the code compared once stays');
    assertEqual(
      sharing.viewerList.map((v) => v.sas),
      [code],
    );
    assertEqual(asked, 1, 'resumed, not asked again');
  });

  it('the stored state holds no invitation secret and expires reconnectTimeout after the last contact', async function () {
    this.timeout(30_000);
    const join = signalingRoom();
    const first = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: first.doc,
      signaling: join('customer'),
      rtc,
      reconnectTimeout: 1000,
    });
    const viewing = await startViewing({
      container: container(),
      signaling: join('agent'),
      invitation: sharing.invitation!,
      rtc,
      reconnectTimeout: 1000,
    });
    open.push(viewing);
    await viewing.connected;
    const raw = sessionStorage.getItem(KEY) ?? '';
    assert(raw.includes(viewing.sas!), 'positive control: this is the session’s stored state');
    assert(!raw.includes(sharing.invitation!.secret), 'the invitation secret is not stored');
    first.win.dispatchEvent(new PageTransitionEvent('pagehide'));
    cut(0);
    const left = stored();
    assert(left && left.expires > Date.now(), 'stored for the next page, with an expiry');
    // the next page comes too late: the viewer gave up, and the stored state is refused
    await waitFor(() => viewing.state === 'ended' && Date.now() > left.expires, 10_000, 'the expiry');
    const next = await createSharer({ html: PAGE });
    assertEqual(await resumeSharing({ approve: approveEveryViewer, document: next.doc, signaling: join('customer'), rtc }), null);
    assertEqual(sessionStorage.getItem(KEY), null, 'the expired state is deleted');
  });
});
