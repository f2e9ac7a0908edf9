// The WebRTC data-channel transport, with two real RTCPeerConnections in this page signaled directly.
import { createPeerTransport, type PeerTransport, type PeerTransportOptions } from '../src/transport/peer.js';
import { TransportError, type TransportCloseReason } from '../src/transport/transport.js';
import type { Signal } from '../src/signaling/adapter.js';
import { assert, assertEqual, assertRejects, assertThrows, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';
import { watchStalls } from './helpers/stalls.js';

// every test of this file needs a real RTCPeerConnection
beforeEach(function () {
  needsWebRTC(this);
});

type Extra = Partial<Omit<PeerTransportOptions, 'initiator' | 'onsignal'>>;

/** Two transports wired to each other; the signals they exchanged are kept for inspection. */
function pair(extra: Extra = {}): { a: PeerTransport; b: PeerTransport; signals: Signal[] } {
  const signals: Signal[] = [];
  const config = { iceServers: [] };
  let b: PeerTransport | null = null;
  const a = createPeerTransport({ initiator: true, config, ...extra, onsignal: (s) => (signals.push(s), b!.signal(s)) });
  b = createPeerTransport({ initiator: false, config, ...extra, onsignal: (s) => (signals.push(s), a.signal(s)) });
  return { a, b, signals };
}

function nextMessage(t: PeerTransport): Promise<Uint8Array> {
  return new Promise((resolve) => (t.onmessage = resolve));
}

function closed(t: PeerTransport): Promise<TransportCloseReason> {
  return new Promise((resolve) => (t.onclose = resolve));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(i + 65536, n)));
  return out;
}

describe('transport: WebRTC data channel', () => {
  it('connects with trickled candidates and carries messages both ways, in order', async () => {
    const { a, b, signals } = pair();
    const sentEarly = new Uint8Array([42]);
    a.send(sentEarly); // before the channel opens: queued
    const atB: number[] = [];
    const atA: number[] = [];
    const bDone = new Promise<void>((resolve) => (b.onmessage = (m) => (atB.push(m[0]!), atB.length === 51 && resolve())));
    const aDone = new Promise<void>((resolve) => (a.onmessage = (m) => (atA.push(m[0]!), atA.length === 50 && resolve())));
    // a link that fails says so (with the ICE states seen) instead of leaving the test to time out
    const states: string[] = [];
    a.onstatechange = (s) => states.push(`a:${s}`);
    b.onstatechange = (s) => states.push(`b:${s}`);
    const broken = new Promise<never>((_, reject) => {
      a.onclose = b.onclose = (reason) => reject(new Error(`the link closed (${reason}); ICE states: ${states.join(' ')}`));
    });
    broken.catch(() => {}); // the closes at the end of the test are expected
    await Promise.race([Promise.all([a.connected, b.connected]), broken]);
    for (let i = 0; i < 50; i++) {
      a.send(new Uint8Array([i]));
      b.send(new Uint8Array([100 + i]));
    }
    await Promise.race([Promise.all([aDone, bDone]), broken]);
    assertEqual(atB, [42, ...Array.from({ length: 50 }, (_, i) => i)]);
    assertEqual(
      atA,
      Array.from({ length: 50 }, (_, i) => 100 + i),
    );
    assertEqual(signals.filter((s) => s.type === 'offer').length, 1);
    assertEqual(signals.filter((s) => s.type === 'answer').length, 1);
    assert(
      signals.some((s) => s.type === 'candidate' && typeof s.candidate.candidate === 'string'),
      'no trickled candidate',
    );
    a.close();
    b.close();
  });

  it('keeps order across small and multi-chunk messages', async () => {
    const { a, b } = pair();
    const sizes = [3, 100_000, 1, 16_384, 0, 300_000, 7];
    const got: Uint8Array[] = [];
    const done = new Promise<void>((resolve) => (b.onmessage = (m) => (got.push(m), got.length === sizes.length && resolve())));
    const sent = sizes.map(randomBytes);
    for (const m of sent) a.send(m);
    await done;
    sent.forEach((m, i) => assert(sameBytes(got[i]!, m), `message ${i} (${m.length} bytes) differs`));
    a.close();
    b.close();
  });

  it('a 20 MB message arrives intact, with progress, and the sending page keeps running', async function () {
    this.timeout(120_000);
    const { a, b } = pair();
    await Promise.all([a.connected, b.connected]);
    const size = 20 * 1024 * 1024;
    const message = randomBytes(size);
    const progress: number[] = [];
    b.onprogress = (received, total) => {
      assertEqual(total, size);
      progress.push(received);
    };
    const arrived = nextMessage(b);

    // the page's own work: a 10 ms timer that must keep ticking while we send
    const stalls = watchStalls();
    const start = performance.now();
    a.send(message);
    const bufferedAfterSend = a.bufferedAmount;
    let peakChannel = 0;
    const sampler = setInterval(() => (peakChannel = Math.max(peakChannel, a.bufferedAmount)), 5);
    const received = await arrived;
    const elapsed = performance.now() - start;
    const { longest, ticks } = stalls.stop();
    clearInterval(sampler);

    assert(sameBytes(received, message), 'the 20 MB message changed on the way');
    for (let i = 1; i < progress.length; i++) assert(progress[i]! > progress[i - 1]!, 'progress not monotonic');
    assertEqual(progress.at(-1), size, 'progress ends at the total');
    assert(bufferedAfterSend >= size, `bufferedAmount right after send: ${bufferedAfterSend}`);
    // bufferedAmount comes back to 0 once everything is on the network
    const deadline = performance.now() + 5000;
    while (a.bufferedAmount > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assertEqual(a.bufferedAmount, 0, 'bufferedAmount after the transfer');
    console.log(
      `20 MB: ${elapsed.toFixed(0)} ms, ${(size / 1024 / 1024 / (elapsed / 1000)).toFixed(1)} MiB/s, ` +
        `longest timer gap ${longest.toFixed(1)} ms over ${ticks} ticks, ${progress.length} progress calls, ` +
        `bufferedAmount after send ${bufferedAfterSend}, later peak ${peakChannel}`,
    );
    // a responsiveness property, not a speed one: the timer never waited long compared with the transfer
    assert(ticks >= 10, `the page's timer ran ${ticks} times during the transfer`);
    assert(longest < elapsed / 3, `the page stalled ${longest.toFixed(0)} ms of a ${elapsed.toFixed(0)} ms transfer`);
    a.close();
    b.close();
  });

  it('close from one side: local here, remote there; send after close throws', async () => {
    const { a, b } = pair();
    await Promise.all([a.connected, b.connected]);
    const aClosed = closed(a);
    const bClosed = closed(b);
    a.close();
    a.close(); // idempotent
    assertEqual(await aClosed, 'local');
    assertEqual(await bClosed, 'remote');
    for (const t of [a, b]) {
      const err = assertThrows(() => t.send(new Uint8Array([1])));
      assert(err instanceof TransportError && err.code === 'closed', `expected TransportError('closed'), got ${String(err)}`);
    }
  });

  it('connected rejects with link when the channel never opens, and the transport closes with error', async () => {
    const a = createPeerTransport({ initiator: true, config: { iceServers: [] }, onsignal: () => {}, connectTimeout: 300 });
    const errors: TransportError[] = [];
    a.onerror = (e) => errors.push(e);
    const reason = closed(a);
    const err = await assertRejects(() => a.connected);
    assert(err instanceof TransportError && err.code === 'link', `got ${String(err)}`);
    assertEqual(await reason, 'error');
    assertEqual(
      errors.map((e) => e.code),
      ['link'],
    );
  });

  it('connected rejects with closed when closed before it opens', async () => {
    const a = createPeerTransport({ initiator: true, config: { iceServers: [] }, onsignal: () => {} });
    a.close();
    const err = await assertRejects(() => a.connected);
    assert(err instanceof TransportError && err.code === 'closed', `got ${String(err)}`);
  });

  it('two initiators fail with link instead of hanging', async () => {
    let b: PeerTransport | null = null;
    const a = createPeerTransport({ initiator: true, config: { iceServers: [] }, onsignal: (s) => b!.signal(s) });
    b = createPeerTransport({ initiator: true, config: { iceServers: [] }, onsignal: (s) => a.signal(s) });
    const err = await assertRejects(() => b!.connected);
    assert(err instanceof TransportError && err.code === 'link', `got ${String(err)}`);
    a.close();
  });

  it('refuses to send a message over maxMessageSize', async () => {
    const { a, b } = pair({ maxMessageSize: 1000 });
    const err = assertThrows(() => a.send(new Uint8Array(1001)));
    assert(err instanceof TransportError && err.code === 'oversized', `got ${String(err)}`);
    a.close();
    b.close();
  });

  it('reports ICE state changes', async () => {
    const states: RTCIceConnectionState[] = [];
    const { a, b } = pair();
    a.onstatechange = (s) => states.push(s);
    await Promise.all([a.connected, b.connected]);
    assert(states.includes('connected') || states.includes('completed'), `states: ${states.join(',')}`);
    a.close();
    b.close();
  });

  it('restarts ICE on the same data channel: new credentials, messages keep flowing, nothing lost', async () => {
    const { a, b, signals } = pair();
    await Promise.all([a.connected, b.connected]);
    const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
    const offers = () => signals.filter((s) => s.type === 'offer') as { type: 'offer'; sdp: string }[];
    const before = ufrag(offers()[0]!.sdp);
    const got: number[] = [];
    b.onmessage = (m) => got.push(m[0]!);
    a.send(new Uint8Array([1]));
    a.restartIce();
    a.send(new Uint8Array([2]));
    const deadline = performance.now() + 10_000;
    while (
      (offers().length < 2 || !signals.slice(signals.indexOf(offers()[1]!)).some((s) => s.type === 'answer')) &&
      performance.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assertEqual(offers().length, 2, 'a second offer');
    assert(ufrag(offers()[1]!.sdp) !== before, 'with fresh ICE credentials');
    assertEqual(a.iceRestarts, 1);
    a.send(new Uint8Array([3]));
    while (got.length < 3 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assertEqual(got, [1, 2, 3], 'the same channel carried on, in order');
    a.close();
    b.close();
  });
});
