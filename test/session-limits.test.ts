// What a viewer may cost the customer's page (issue 12, item 8): control messages are rate-limited per
// viewer (a resync is a full capture of the page) and the sharer refuses a viewer's message over a few
// KiB — in the secure channel and in the data channel's reassembly — closing that viewer only. The
// viewers here are raw secure channels that send what no console sends; counts are checked against
// what the limits allow for the time that passed (never against a speed).
import {
  createChatSignaling,
  createLoopbackPair,
  createPeerTransport,
  decodeSecret,
  openSecureChannel,
  SecureError,
  SessionError,
  startSharing,
  startViewing,
  TransportError,
  type SecureChannel,
  type SharingSession,
  type ViewingSession,
} from '../src/index.js';
import { afterEach, assert, assertEqual, describe, it, show } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { approveEveryViewer } from './helpers/approval.js';
import { chatRoom, type Member } from './helpers/chat-room.js';
import { compareDocuments } from './helpers/compare.js';
import { createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { cleanupSessions, closers, container, open } from './helpers/session-fixture.js';

const SECRET = 'c2VjcmV0LXNlY3JldC0xMjM0NQ';
const PAGE = `<!doctype html><html><head></head><body><h1 id="title">Kumo Tea</h1><ul id="list"><li>Sencha</li></ul></body></html>`;
const rtc = { iceServers: [] };
const enc = new TextEncoder();
const dec = new TextDecoder();

afterEach(cleanupSessions);

/** A session message as SPEC.md writes it: kind 1 (CONTROL), then the JSON. */
const control = (json: object): Uint8Array => {
  const body = enc.encode(JSON.stringify(json));
  const m = new Uint8Array(body.length + 1);
  m[0] = 1;
  m.set(body, 1);
  return m;
};

/** What a raw viewer received: snapshots, deltas, and the text of each delta (to wait for one). */
interface Received {
  snapshots: number;
  deltas: number;
  text: string;
}

function receive(channel: SecureChannel): Received {
  const got: Received = { snapshots: 0, deltas: 0, text: '' };
  channel.onmessage = (m) => {
    if (m[0] !== 0) return;
    if (m[2] === 0)
      got.snapshots++; // the frame's kind byte (SPEC.md): 0 snapshot, 1 delta
    else got.deltas++;
    got.text += dec.decode(m);
  };
  return got;
}

/** A sharer over a loopback pair and a raw viewer on the other end, approved. */
async function rawPair(sharer: Sharer) {
  const [a, b] = createLoopbackPair();
  const sharing = await startSharing({ approve: approveEveryViewer, document: sharer.doc, transport: a, secret: SECRET });
  open.push(sharing);
  const channel = await openSecureChannel(b, { role: 'viewer', secret: decodeSecret(SECRET) });
  closers.push(channel);
  const got = receive(channel);
  await waitFor(() => got.snapshots === 1, 4000, 'the first snapshot');
  const errors: Error[] = [];
  sharing.on('error', (e) => errors.push(e));
  return { sharing, channel, got, errors };
}

/** The most a bucket of `burst` refilled at `perSecond` lets through in `ms`. */
const allowed = (burst: number, perSecond: number, ms: number) => burst + Math.floor((ms / 1000) * perSecond);

describe('limits: control messages per viewer', () => {
  it('a viewer flooding resync gets at most the allowed snapshots; one error; the page keeps being shared', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, channel, got, errors } = await rawPair(sharer);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) channel.send(control({ t: 'resync' }));
    // the page changes after the flood: its delta arrives after every snapshot the flood caused
    sharer.doc.getElementById('title')!.textContent = 'after the flood';
    await waitFor(() => got.text.includes('after the flood'), 4000, 'the delta after the flood');
    const elapsed = performance.now() - t0;
    const resyncs = got.snapshots - 1;
    assert(resyncs >= 1, 'positive control: a resync is answered');
    assert(resyncs <= allowed(2, 1 / 5, elapsed), `${resyncs} snapshots for 100 resyncs in ${elapsed.toFixed(0)} ms`);
    assertEqual(errors.length, 1, 'one error for the limited stretch');
    assert(errors[0] instanceof SessionError && errors[0].code === 'rate-limited' && errors[0].viewer === 'transport', String(errors[0]));
    assertEqual(sharing.state, 'connected', 'the viewer is slowed, not dropped');
    assert(got.deltas >= 1, 'deltas flow');
  });

  it('clicks and pointer moves beyond their rates are dropped, once reported per kind', async () => {
    const sharer = await createSharer({ html: PAGE });
    const { sharing, channel, errors } = await rawPair(sharer);
    // what the sharer let through and what it reported, in order
    const log: string[] = [];
    sharing.on('click', () => log.push('click'));
    sharing.on('pointer', () => log.push('pointer'));
    sharing.on('error', (e) => log.push(`limited:${/'(\w+)'/.exec(e.message)?.[1]}`));
    let pongs = 0;
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) {
      channel.send(control({ t: 'click', x: i, y: 1 }));
      channel.send(control({ t: 'pointer', x: i, y: 1 }));
    }
    channel.send(control({ t: 'ping', id: 1 }));
    const before = channel.onmessage!;
    channel.onmessage = (m) => {
      if (m[0] === 1 && dec.decode(m.subarray(1)).includes('"pong"')) pongs++;
      before(m);
    };
    await waitFor(() => pongs === 1, 4000, 'the ping after the flood answered (messages are handled in order)');
    const elapsed = performance.now() - t0;
    const clicks = log.filter((e) => e === 'click').length;
    const pointers = log.filter((e) => e === 'pointer').length;
    assert(clicks >= 20 && clicks <= allowed(20, 10, elapsed), `${clicks} clicks of 300 in ${elapsed.toFixed(0)} ms`);
    assert(pointers >= 60 && pointers <= allowed(60, 60, elapsed), `${pointers} pointer moves of 300 in ${elapsed.toFixed(0)} ms`);
    assert(
      errors.length >= 2 && errors.every((e) => e instanceof SessionError && e.code === 'rate-limited'),
      errors.map(String).join(' | '),
    );
    // one report per limited stretch: a kind is reported again only after one of its messages got
    // through in between (its bucket refilled; on a slow machine the flood outlasts a refill)
    for (const [kind, burst] of [
      ['click', 20],
      ['pointer', 60],
    ] as const) {
      const seen = log.filter((e) => e === kind || e === `limited:${kind}`);
      const first = seen.indexOf(`limited:${kind}`);
      assert(first >= burst, `the ${kind} flood was reported once its burst of ${burst} was spent: ${show(seen.join(' '))}`);
      seen.forEach((e, i) =>
        assert(
          i === 0 || e !== `limited:${kind}` || seen[i - 1] === kind,
          `${kind} reported twice in one stretch: ${show(seen.join(' '))}`,
        ),
      );
    }
  });
});

/** A viewer that dials the sharer itself (its own peer transport and secure channel). */
async function rawWebRtcViewer(
  member: Member,
  invitation: { peer: string; secret: string },
): Promise<{ channel: SecureChannel; send(raw: Uint8Array): void }> {
  const adapter = createChatSignaling(member);
  closers.push(adapter);
  await adapter.ready;
  const peer = createPeerTransport({ initiator: true, config: rtc, onsignal: (s) => adapter.send(invitation.peer, s) });
  adapter.onsignal = (_from, s) => peer.signal(s);
  closers.push(peer);
  const channel = await openSecureChannel(peer, { role: 'viewer', secret: decodeSecret(invitation.secret) });
  closers.push(channel);
  return { channel, send: (raw) => peer.send(raw) };
}

const converged = (sharer: Sharer, v: ViewingSession) =>
  v.state === 'connected' && compareDocuments(sharer.doc, v.mirror.document, { mirror: v.mirror, styles: false }).length === 0;

function left(sharing: SharingSession): { id: string; reason: string }[] {
  const seen: { id: string; reason: string }[] = [];
  sharing.on('viewerleft', (v) => seen.push({ id: v.id, reason: v.reason }));
  return seen;
}

describe('limits: message size', () => {
  it('an oversized message (secure channel, then data channel) ends that viewer only, with a typed error; the others stay', async function () {
    needsWebRTC(this);
    this.timeout(60_000);
    const join = chatRoom();
    const sharer = await createSharer({ html: PAGE });
    const sharing = await startSharing({
      approve: approveEveryViewer,
      document: sharer.doc,
      signaling: createChatSignaling(join('customer')),
      rtc,
    });
    open.push(sharing);
    const errors: Error[] = [];
    sharing.on('error', (e) => errors.push(e));
    const gone = left(sharing);
    const agent = join('agent');
    const honest = await startViewing({
      container: container(),
      signaling: createChatSignaling(agent),
      invitation: sharing.invitation!,
      rtc,
    });
    open.push(honest);
    await honest.connected;

    // 1: a message of 8 KiB through the secure channel (its first record declares the size)
    const big = join('big');
    const a = await rawWebRtcViewer(big, sharing.invitation!);
    await waitFor(() => sharing.viewerList.length === 2, 10_000, 'the first raw viewer approved');
    a.channel.send(control({ t: 'pointer', x: 1, y: 1, pad: 'x'.repeat(8 * 1024) }));
    await waitFor(() => gone.length === 1, 10_000, 'the sharer to drop it');
    assertEqual(gone[0], { id: big.id, reason: 'oversized' });
    const e1 = errors.find((e) => e instanceof SecureError);
    assert(e1 instanceof SecureError && e1.code === 'oversized', `a SecureError('oversized'): ${errors.map(String).join(' | ')}`);

    // 2: a data-channel message of 20 KiB, under the secure layer (the reassembler's limit)
    const raw = join('raw');
    const b = await rawWebRtcViewer(raw, sharing.invitation!);
    await waitFor(() => sharing.viewerList.length === 2, 10_000, 'the second raw viewer approved');
    b.send(new Uint8Array(20 * 1024));
    await waitFor(() => gone.length === 2, 10_000, 'the sharer to drop it');
    assertEqual(gone[1], { id: raw.id, reason: 'oversized' });
    const e2 = errors.find((e) => e instanceof TransportError);
    assert(e2 instanceof TransportError && e2.code === 'oversized', `a TransportError('oversized'): ${errors.map(String).join(' | ')}`);

    // positive control for the size: a small message from a raw viewer is fine
    const small = join('small');
    const c = await rawWebRtcViewer(small, sharing.invitation!);
    await waitFor(() => sharing.viewerList.length === 2, 10_000, 'the third raw viewer approved');
    let clicks = 0;
    sharing.on('click', () => clicks++);
    c.channel.send(control({ t: 'click', x: 1, y: 1, pad: 'x'.repeat(1024) }));
    await waitFor(() => clicks === 1, 5000, 'a 1 KiB message accepted');

    assertEqual(sharing.viewerList.map((v) => v.id).sort(), [agent.id, small.id].sort(), 'the others stay');
    assertEqual(honest.state, 'connected');
    sharer.doc.getElementById('title')!.textContent = 'after the oversized messages';
    await waitFor(() => converged(sharer, honest), 5000, 'the honest viewer undisturbed');
  });
});
