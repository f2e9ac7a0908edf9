// The navigation stall (issue 13, item 4): Chromium now and then loses what a data channel's answerer
// sends the moment its channel opens, when it reaches the initiator before the initiator's page has
// seen its own channel open (measured end to end: the viewer's handshake hello vanished, the resumed
// handshake hung for its 5 s timeout). The transport's answerer therefore sends nothing until the
// initiator's READY has arrived. Real RTCPeerConnections in this page; the fault is injected at the
// one place it happens: the initiator's `open` reaches the transport late, as on a busy page, and
// what arrives at its channel before that is dropped, as Chromium does.
import { createPeerTransport, type PeerImplementation, type PeerTransport } from '../src/transport/peer.js';
import type { Signal } from '../src/signaling/adapter.js';
import { assert, assertEqual, beforeEach, describe, it } from './helpers/assert.js';
import { needsWebRTC } from './helpers/engine.js';

// every test of this file needs a real RTCPeerConnection
beforeEach(function () {
  needsWebRTC(this);
});

/** How long the initiator's page is "busy" before its channel's `open` handler runs. */
const LATE_OPEN_MS = 300;

interface Log {
  /** What happened on the channels, in order: 'a:open' (handler run), 'b:send', 'b:recv', 'a:drop'. */
  events: string[];
}

/**
 * RTCPeerConnection whose data channels record sends and arrivals; with `lateOpen`, the `open`
 * handler the transport set runs LATE_OPEN_MS after the event, and messages arriving meanwhile are
 * dropped before the handler sees them.
 */
function recording(side: 'a' | 'b', log: Log, lateOpen: boolean): PeerImplementation {
  const watch = (ch: RTCDataChannel): RTCDataChannel => {
    const send = ch.send.bind(ch) as (data: ArrayBufferView<ArrayBuffer>) => void;
    ch.send = ((data: ArrayBufferView<ArrayBuffer>) => {
      log.events.push(`${side}:send`);
      send(data);
    }) as RTCDataChannel['send'];
    let openSeen = !lateOpen;
    ch.addEventListener('message', (e) => {
      if (openSeen) log.events.push(`${side}:recv`);
      else {
        log.events.push(`${side}:drop`);
        e.stopImmediatePropagation();
      }
    });
    if (lateOpen) {
      let handler: ((ev: Event) => void) | null = null;
      Object.defineProperty(ch, 'onopen', {
        get: () => handler,
        set: (h: ((ev: Event) => void) | null) => (handler = h),
        configurable: true,
      });
      ch.addEventListener('open', (ev) => {
        setTimeout(() => {
          openSeen = true;
          log.events.push(`${side}:open`);
          handler?.(ev);
        }, LATE_OPEN_MS);
      });
    }
    return ch;
  };
  class Recording extends RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('datachannel', (e) => watch(e.channel), { capture: true });
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      return watch(super.createDataChannel(label, init));
    }
  }
  return { RTCPeerConnection: Recording };
}

function pair(log: Log): { a: PeerTransport; b: PeerTransport } {
  const config = { iceServers: [] };
  let b: PeerTransport | null = null;
  const a = createPeerTransport({ initiator: true, config, wrtc: recording('a', log, true), onsignal: (s: Signal) => b!.signal(s) });
  b = createPeerTransport({ initiator: false, config, wrtc: recording('b', log, false), onsignal: (s: Signal) => a.signal(s) });
  return { a, b };
}

describe('transport: the answerer speaks only after the initiator is ready', () => {
  it("the answerer's first message, sent as soon as it can, reaches an initiator whose page is slow to see its channel open", async () => {
    const log: Log = { events: [] };
    const { a, b } = pair(log);
    try {
      // what the viewer does after a navigation: it answers the new page's offer and speaks first
      b.send(new Uint8Array([7, 7, 7]));
      const got = await Promise.race([
        new Promise<Uint8Array>((resolve) => (a.onmessage = resolve)),
        // a watchdog only: without the fix the message is gone for good
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000)),
      ]);
      assert(got !== null, `the answerer's message never reached the initiator; channel events: ${log.events.join(' ')}`);
      assertEqual([...got], [7, 7, 7]);
      assertEqual(log.events.includes('a:drop'), false, `nothing may arrive before the initiator's open: ${log.events.join(' ')}`);
      // the order that makes it safe: the initiator's open, its READY reaching the answerer, then the answerer's first send
      const firstSend = log.events.indexOf('b:send');
      assert(log.events.indexOf('a:open') < firstSend && log.events.indexOf('b:recv') < firstSend, log.events.join(' '));
    } finally {
      a.close();
      b.close();
    }
  });

  it('both sides still carry messages both ways, in order, after READY', async () => {
    const log: Log = { events: [] };
    const { a, b } = pair(log);
    try {
      const atA: number[] = [];
      const atB: number[] = [];
      const aDone = new Promise<void>((resolve) => (a.onmessage = (m) => (atA.push(m[0]!), atA.length === 20 && resolve())));
      const bDone = new Promise<void>((resolve) => (b.onmessage = (m) => (atB.push(m[0]!), atB.length === 20 && resolve())));
      for (let i = 0; i < 20; i++) {
        a.send(new Uint8Array([i]));
        b.send(new Uint8Array([100 + i]));
      }
      const hung = new Promise<string>((resolve) =>
        setTimeout(() => resolve(`hung: a got ${atA.length}, b got ${atB.length}; ${log.events.join(' ')}`), 10_000),
      );
      const outcome = await Promise.race([Promise.all([aDone, bDone]).then(() => 'done'), hung]); // a watchdog, not a speed claim
      assertEqual(outcome, 'done');
      assertEqual(
        atA,
        Array.from({ length: 20 }, (_, i) => 100 + i),
      );
      assertEqual(
        atB,
        Array.from({ length: 20 }, (_, i) => i),
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
