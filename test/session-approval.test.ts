// The customer's approval (issue 12, item 1), through the public API: a viewer whose handshake is done
// gets nothing — no snapshot, no delta — until the customer approves that viewer. The relay attack of
// the issue is run as written: two loopback pairs, a relay that finishes one handshake as a viewer
// toward the sharer and one as a sharer toward the viewer, both with the invitation secret. Every
// byte the relay reads from the sharer is searched for a canary that is on the shared page; each
// "0 bytes" has its positive control (the same relay, approved, reads it).
import {
  createChatSignaling,
  createLoopbackPair,
  decodeSecret,
  openSecureChannel,
  resumeSharing,
  startSharing,
  startViewing,
  type ApprovalEnd,
  type ApprovalRequest,
  type SecureChannel,
  type SharingSession,
  type StateChange,
  type ViewerRequest,
  type ViewingSession,
} from '../src/index.js';
import { afterEach, assert, assertEqual, assertNoDiffs, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { approveEveryViewer } from './helpers/approval.js';
import { chatRoom } from './helpers/chat-room.js';
import { compareDocuments } from './helpers/compare.js';
import { countBytes, createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { cleanupSessions, closers as channels, container, open } from './helpers/session-fixture.js';

const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';
const CANARY = `PAGECANARY${Math.random().toString(36).slice(2, 10)}`;
const PAGE = `<!doctype html><html><head></head><body><h1 id="title">Kumo Tea</h1>
  <p id="canary">${CANARY}</p><ul id="list"><li>Sencha</li></ul></body></html>`;
const rtc = { iceServers: [] };
const enc = new TextEncoder();
const dec = new TextDecoder();

afterEach(cleanupSessions);

function record<T>(session: SharingSession, type: 'approval' | 'approvalended'): T[] {
  const seen: T[] = [];
  (session.on as (t: string, l: (d: T) => void) => void)(type, (d) => seen.push(d));
  return seen;
}

function states(session: ViewingSession | SharingSession): StateChange[] {
  const seen: StateChange[] = [];
  (session as ViewingSession).on('state', (s) => seen.push(s));
  return seen;
}

/** What a party read from the sharer: frames, bytes of the canary, the control messages. */
interface Tap {
  frames: number;
  canary: number;
  controls: { t: string; reason?: string }[];
}

function tap(channel: SecureChannel, forward?: (m: Uint8Array) => void): Tap {
  const seen: Tap = { frames: 0, canary: 0, controls: [] };
  const needle = enc.encode(CANARY);
  channel.onmessage = (m) => {
    seen.canary += countBytes(m, needle);
    if (m[0] === 0) seen.frames++;
    else seen.controls.push(JSON.parse(dec.decode(m.subarray(1))) as { t: string });
    forward?.(m);
  };
  return seen;
}

/**
 * The relay of the issue: between a sharer (on `toSharer`) and a viewer (on `toViewer`), holding the
 * invitation secret. It forwards everything both ways, reading it on the way.
 */
async function relay(toSharer: Parameters<typeof openSecureChannel>[0], toViewer: Parameters<typeof openSecureChannel>[0]) {
  const secret = decodeSecret(SECRET);
  const [up, down] = await Promise.all([
    openSecureChannel(toSharer, { role: 'viewer', secret }),
    openSecureChannel(toViewer, { role: 'sharer', secret }),
  ]);
  channels.push(up, down);
  const read = tap(up, (m) => {
    try {
      down.send(m);
    } catch {
      // the viewer is gone
    }
  });
  down.onmessage = (m) => up.send(m);
  up.onclose = () => down.close();
  down.onclose = () => up.close();
  return { up, down, read };
}

/** A sharer, a relay in front of it, a real viewer behind the relay. */
async function relayed(sharer: Sharer, options: Parameters<typeof startSharing>[0]) {
  const [s1, r1] = createLoopbackPair();
  const [r2, v2] = createLoopbackPair();
  const sharing = await startSharing({ document: sharer.doc, transport: s1, secret: SECRET, ...options });
  const approvals = record<ApprovalRequest>(sharing, 'approval');
  const viewing = await startViewing({ container: container(), transport: v2, secret: SECRET });
  open.push(sharing, viewing);
  const viewerStates = states(viewing);
  const r = await relay(r1, r2);
  await waitFor(() => approvals.length === 1 && viewing.sas !== null, 4000, 'the approval request and the viewer’s code');
  return { sharing, viewing, approvals, viewerStates, ...r };
}

/**
 * A round trip through the sharer (ping → pong): messages are ordered, so whatever the sharer sent
 * before answering — a snapshot, had it approved — has been read when this resolves.
 */
async function roundTrip(up: SecureChannel, read: Tap): Promise<void> {
  const id = Math.floor(Math.random() * 1e9);
  up.send(new Uint8Array([1, ...enc.encode(JSON.stringify({ t: 'ping', id }))]));
  await waitFor(() => read.controls.some((c) => c.t === 'pong' && (c as { id?: number }).id === id), 4000, 'the pong');
}

/** The control messages read, without the pongs of `roundTrip`. */
const said = (read: Tap) => read.controls.filter((c) => c.t !== 'pong');

const converged = (sharer: Sharer, v: ViewingSession) =>
  v.state === 'connected' && compareDocuments(sharer.doc, v.mirror.document, { mirror: v.mirror, styles: false }).length === 0;

describe('approval: the relay attack of the issue', () => {
  it("'code': the customer types the agent's code; the relay's channel has another code and gets 0 frames, 0 canary bytes", async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing, approvals, viewerStates, up, down, read } = await relayed(sharer, { approve: 'code' });
    assertEqual(approvals[0]!.mode, 'code');
    assertEqual(approvals[0]!.sas, null, "in 'code' mode the page does not show the code: the customer must hear it");
    assert(up.sas !== down.sas, 'two handshakes, two codes (a collision is one in a million)');
    assertEqual(viewing.sas, down.sas, "the agent's screen shows the code of the relay's channel with it");
    sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', '<li>written while waiting</li>');
    await roundTrip(up, read);
    assertEqual([read.frames, read.canary], [0, 0], 'nothing while the customer is asked');
    const ended = record<ApprovalEnd>(sharing, 'approvalended');
    // the customer types what the agent reads out, three times
    for (let i = 0; i < 3; i++) assertEqual(sharing.approve(approvals[0]!.id, viewing.sas!), false, `try ${i + 1} is refused`);
    assertEqual(ended, [{ id: 'transport', approved: false, reason: 'denied' }], 'the third wrong code denies');
    sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', '<li>written after the refusal</li>');
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to be told');
    assertEqual(viewerStates.at(-1), { state: 'ended', reason: 'denied' }, 'told why, in the words of the protocol');
    assertEqual(read.frames, 0, 'no frame reached the relay');
    assertEqual(read.canary, 0, 'no byte of the page reached the relay');
    assertEqual(said(read), [{ t: 'pending' }, { t: 'bye', reason: 'denied' }], 'only "wait" and "denied"');
    assertEqual(sharing.sas, null, 'no viewer is "the" viewer');
    assertEqual(sharing.viewerList, []);
  });

  it('positive control: the same relay, approved with the code of its own channel, reads the page (and the viewer behind it converges)', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing, approvals, up, read } = await relayed(sharer, { approve: 'code' });
    assertEqual(
      sharing.approve(approvals[0]!.id, `${up.sas.slice(0, 3)} ${up.sas.slice(3)}`),
      true,
      'the code shown to whoever is on the other end of this channel',
    );
    await waitFor(() => converged(sharer, viewing), 4000, 'the viewer behind the relay to converge');
    assert(read.frames >= 1, 'frames reached the relay');
    assert(read.canary >= 1, `the canary is counted in what the relay reads (${read.canary})`);
  });

  it("'prompt', nobody answers: 0 frames, 0 canary bytes while waiting, then approval-timeout", async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, viewing, approvals, viewerStates, read, up } = await relayed(sharer, { approve: 'prompt', approvalTimeout: 1500 });
    let annotations = 0;
    sharing.on('click', () => annotations++);
    sharing.on('pointer', () => annotations++);
    // a waiting viewer asks for a snapshot and draws on the customer's page: nothing happens
    for (const t of ['resync', 'click', 'pointer']) up.send(new Uint8Array([1, ...enc.encode(JSON.stringify({ t, x: 1, y: 1 }))]));
    assertEqual(approvals[0]!.mode, 'prompt');
    assertEqual(approvals[0]!.sas, up.sas, 'the customer is shown the code of the channel it would approve');
    assertEqual(sharing.pendingList, approvals);
    // the page changes while the customer has not answered
    for (let i = 0; i < 5; i++) sharer.doc.getElementById('list')!.insertAdjacentHTML('beforeend', `<li>${CANARY} ${i}</li>`);
    await waitFor(() => viewing.awaitingApproval, 4000, 'the viewer to know it waits');
    await roundTrip(up, read);
    assertEqual(read.frames, 0);
    assertEqual(read.canary, 0);
    await waitFor(() => viewing.state === 'ended', 6000, 'the timeout');
    assertEqual(viewerStates.at(-1), { state: 'ended', reason: 'approval-timeout' });
    assertEqual(read.frames, 0, 'nothing, to the end');
    assertEqual(read.canary, 0);
    assertEqual(said(read), [{ t: 'pending' }, { t: 'bye', reason: 'approval-timeout' }]);
    assertEqual(annotations, 0, 'no pointer or click from a viewer not approved');
  });
});

describe('approval: prompt, function, deny', () => {
  it('denied: the viewer gets nothing, is told "denied", and its session ends with that reason', async () => {
    const sharer = await createSharer({ html: PAGE });
    const [a, b] = createLoopbackPair();
    const sharing = await startSharing({ document: sharer.doc, transport: a, secret: SECRET });
    const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
    open.push(sharing, viewing);
    const approvals = record<ApprovalRequest>(sharing, 'approval');
    const seen = states(viewing);
    let pending: { sas: string } | null = null;
    viewing.on('pending', (p) => (pending = p));
    let applied = 0;
    viewing.on('frame', () => applied++);
    await waitFor(() => approvals.length === 1 && viewing.sas !== null, 4000, 'the approval request (the default mode is prompt)');
    assertEqual(approvals[0]!.sas, viewing.sas, 'the customer sees the code the agent sees');
    await waitFor(() => pending !== null, 4000, 'the viewer told it waits');
    assertEqual(pending, { sas: viewing.sas! });
    sharing.deny(approvals[0]!.id);
    await waitFor(() => viewing.state === 'ended', 4000, 'the viewer to end');
    assertEqual(seen, [{ state: 'ended', reason: 'denied' }]);
    assertEqual(applied, 0, 'no frame was applied');
    assertEqual(sharing.state, 'ended', 'over a transport the one viewer was the session');
  });

  it('approved: the viewer converges; the code on both sides is the same', async () => {
    const sharer = await createSharer({ html: PAGE });
    const [a, b] = createLoopbackPair();
    const sharing = await startSharing({ document: sharer.doc, transport: a, secret: SECRET, approve: 'prompt' });
    const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
    open.push(sharing, viewing);
    const approvals = record<ApprovalRequest>(sharing, 'approval');
    await waitFor(() => approvals.length === 1, 4000, 'the approval request');
    assertEqual(sharing.state, 'connecting', 'not connected while waiting');
    assertEqual(sharing.approve(approvals[0]!.id), true);
    await viewing.connected;
    assertNoDiffs(compareDocuments(sharer.doc, viewing.mirror.document, { mirror: viewing.mirror }));
    assertEqual(sharing.sas, viewing.sas);
    assertEqual(viewing.awaitingApproval, false);
  });

  it('a function decides per viewer, with its id, code and name; false denies, a throw denies and is reported', async () => {
    const sharer = await createSharer({ html: PAGE });
    const asked: ViewerRequest[] = [];
    const answers = [false, 'throw'];
    const run = async (answer: boolean | string) => {
      const [a, b] = createLoopbackPair();
      const errors: Error[] = [];
      const sharing = await startSharing({
        document: sharer.doc,
        transport: a,
        secret: SECRET,
        viewerName: () => 'never used over a transport',
        approve: async (viewer) => {
          asked.push(viewer);
          if (answer === 'throw') throw new Error('the site’s UI broke');
          return answer === true;
        },
      });
      sharing.on('error', (e) => errors.push(e));
      const viewing = await startViewing({ container: container(), transport: b, secret: SECRET });
      open.push(sharing, viewing);
      await waitFor(() => viewing.state === 'ended', 4000, 'the refusal');
      return { viewing, errors, sharing };
    };
    for (const answer of answers) {
      const { viewing, errors } = await run(answer);
      assertEqual(viewing.state, 'ended');
      assertEqual(asked.at(-1)!.sas, viewing.sas, 'the function gets the code of this viewer');
      if (answer === 'throw')
        assertEqual(
          errors.map((e) => e.message),
          ['the site’s UI broke'],
        );
    }
    assertEqual(asked.length, 2, 'asked once per viewer');
    assertEqual(asked[0]!.id, 'transport');
    assertEqual(asked[0]!.name, 'never used over a transport', 'the name comes from the sharer’s own viewerName');
  });

  it('no option approves by itself: a value that is not a mode is refused', async () => {
    const sharer = await createSharer({ html: PAGE });
    const [a] = createLoopbackPair();
    let error: unknown = null;
    await startSharing({ document: sharer.doc, transport: a, secret: SECRET, approve: true as unknown as 'prompt' }).catch(
      (e: unknown) => (error = e),
    );
    assert(error instanceof TypeError, `a TypeError, got ${String(error)}`);
  });
});

describe('approval over WebRTC (signaled through a chat)', () => {
  beforeEach(function () {
    needsWebRTC(this);
  });
  it('a party that joins first is not "the" viewer; each viewer is its own approval, named by the sharer’s chat; a pending one is never stored', async function () {
    this.timeout(60_000);
    const join = chatRoom();
    const sharer = await createSharer({ html: PAGE });
    const names = new Map<string, string>();
    const customer = join('customer');
    const sharing = await startSharing({
      document: sharer.doc,
      signaling: createChatSignaling(customer),
      rtc,
      viewerName: (peer) => names.get(peer),
    });
    open.push(sharing);
    const approvals = record<ApprovalRequest>(sharing, 'approval');
    const relayMember = join('relay');
    const agentMember = join('agent');
    names.set(agentMember.id, 'Alice');
    const first = await startViewing({
      container: container(),
      signaling: createChatSignaling(relayMember),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(first);
    // each side finishes its handshake on the other's CONFIRM: wait for both
    await waitFor(() => approvals.length === 1 && first.sas !== null, 15_000, 'the first request');
    assertEqual(
      approvals[0],
      { id: relayMember.id, name: null, mode: 'prompt', sas: first.sas },
      'a party the chat does not name has no name',
    );
    assertEqual(sharing.sas, null, 'a waiting viewer is not "the" viewer');
    assertEqual(sharing.viewerList, []);
    assertEqual(
      await resumeSharing({ approve: approveEveryViewer, document: sharer.doc, signaling: createChatSignaling(join('probe')), rtc }),
      null,
      'nothing stored for a viewer not approved',
    );
    const agent = await startViewing({
      container: container(),
      signaling: createChatSignaling(agentMember),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(agent);
    await waitFor(() => approvals.length === 2 && agent.sas !== null, 15_000, 'the second request');
    assertEqual(approvals[1], { id: agentMember.id, name: 'Alice', mode: 'prompt', sas: agent.sas });
    assertEqual(sharing.approve(agentMember.id), true);
    await agent.connected;
    assertEqual(sharing.sas, agent.sas, 'the approved agent is the viewer');
    assertEqual(
      sharing.viewerList.map((v) => [v.id, v.name]),
      [[agentMember.id, 'Alice']],
    );
    assertEqual(
      sharing.pendingList.map((r) => r.id),
      [relayMember.id],
    );
    sharing.deny(relayMember.id);
    await waitFor(() => first.state === 'ended', 10_000, 'the first party to be refused');
    assertEqual(first.mirror.document, null);
    sharer.doc.getElementById('title')!.textContent = 'after the refusal';
    await waitFor(() => converged(sharer, agent), 5000, 'the approved agent undisturbed');
  });

  it('a denied address may not ask again in that session; another address is asked', async function () {
    this.timeout(60_000);
    const join = chatRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({ document: sharer.doc, signaling: createChatSignaling(join('customer')), rtc });
    open.push(sharing);
    const approvals = record<ApprovalRequest>(sharing, 'approval');
    const pushy = join('pushy');
    const first = await startViewing({
      container: container(),
      signaling: createChatSignaling(pushy),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(first);
    await waitFor(() => approvals.length === 1 && first.sas !== null, 15_000, 'the first request');
    sharing.deny(pushy.id);
    await waitFor(() => first.state === 'ended', 10_000, 'the denied viewer to end');
    // the same address dials again: the sharer does not answer it, so the customer is not asked
    const again = await startViewing({
      container: container(),
      signaling: createChatSignaling(pushy),
      invitation: sharing.invitation!,
      rtc,
      handshakeTimeout: 2000,
    });
    open.push(again);
    await waitFor(() => again.state === 'ended', 20_000, 'the second attempt to give up');
    assertEqual(again.mirror.document, null, 'nothing shown to the denied address');
    // positive control: a new address is asked, in the same session
    const other = join('other');
    const third = await startViewing({
      container: container(),
      signaling: createChatSignaling(other),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(third);
    await waitFor(() => approvals.length === 2, 15_000, 'a request from another address');
    assertEqual(
      approvals.map((a) => a.id),
      [pushy.id, other.id],
      'the denied address asked once, the other once',
    );
  });
});
