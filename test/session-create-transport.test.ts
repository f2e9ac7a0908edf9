// `createTransport`: a session through the chat whose connections are not WebRTC. Each connection
// here is an in-memory loopback pair that the answerer finds by the offer's `o=` session id (what the
// router tells connections apart by), so this runs in every engine, WebKitGTK (no RTCPeerConnection)
// included. The end-to-end twin, over a WebSocket relay between WebKit and Chromium through the
// reference server, is test/e2e/webkit-customer.test.mjs.
import { createLoopbackPair, startSharing, startViewing, TransportError } from '../src/index.js';
import type {
  PeerTransport,
  PeerTransportOptions,
  Signal,
  StateChange,
  Transport,
  TransportCloseReason,
  ViewingSession,
} from '../src/index.js';
import { signalingRoom } from './helpers/chat-room.js';
import { afterEach, assert, assertEqual, describe, it } from './helpers/assert.js';
import { compareDocuments } from './helpers/compare.js';
import { createSharer, waitFor, type Sharer } from './helpers/harness.js';
import { cleanupSessions, container, open } from './helpers/session-fixture.js';
import { approveEveryViewer } from './helpers/approval.js';

afterEach(() => cleanupSessions());

const PAGE = `<!doctype html><html><body><h1 id="title">Kumo Tea</h1><ul id="list"><li>Sencha</li></ul></body></html>`;

/** The rendezvous of every link made in this page: the initiator leaves the other end of its pair. */
const rendezvous = new Map<string, Transport>();
let nextId = 1;

/** A PeerTransport over one end of a loopback pair, paired through the chat like a WebRTC one. */
class MemoryLink implements PeerTransport {
  onmessage: ((data: Uint8Array) => void) | null = null;
  onclose: ((reason: TransportCloseReason) => void) | null = null;
  onstatechange: ((state: RTCIceConnectionState) => void) | null = null;
  onerror: ((error: TransportError) => void) | null = null;
  readonly iceRestarts = 0;
  readonly bufferedAmount = 0;
  readonly connected: Promise<void>;
  #opened!: () => void;
  #end: Transport | null = null;
  /** Sent before the answerer had its end (the secure handshake may speak first). */
  #early: Uint8Array[] = [];
  #closed = false;
  get closed(): boolean {
    return this.#closed;
  }

  constructor(readonly options: PeerTransportOptions) {
    this.connected = new Promise((resolve) => (this.#opened = resolve));
    if (!options.initiator) return;
    const id = String(nextId++);
    const [mine, theirs] = createLoopbackPair();
    rendezvous.set(id, theirs);
    this.#attach(mine);
    // a task later, as a real transport's offer comes: the router has this link in its table by then
    setTimeout(() => this.#closed || options.onsignal({ type: 'offer', sdp: `v=0\r\no=- ${id} 1 IN IP4 0.0.0.0\r\n` }));
  }

  signal(signal: Signal): void {
    if (this.#closed || this.options.initiator || signal.type !== 'offer' || this.#end) return;
    const id = /^o=\S+ (\d+)/m.exec(signal.sdp)?.[1] ?? '';
    const end = rendezvous.get(id);
    rendezvous.delete(id);
    if (!end) return this.close();
    this.#attach(end);
    this.options.onsignal({ type: 'answer', sdp: signal.sdp });
  }

  send(data: Uint8Array): void {
    if (this.#closed) throw new TransportError('closed', 'send after close');
    if (this.#end) this.#end.send(data);
    else this.#early.push(data.slice());
  }

  restartIce(): void {}

  /** What a dead network does: the link goes without a goodbye, on both sides. */
  cut(): void {
    this.#end?.close();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const end = this.#end;
    if (end) end.onclose = end.onmessage = null;
    end?.close();
    queueMicrotask(() => this.onclose?.('local'));
  }

  #attach(end: Transport): void {
    this.#end = end;
    end.onmessage = (data) => this.onmessage?.(data);
    end.onclose = (reason) => {
      if (this.#closed) return;
      this.#closed = true;
      this.onclose?.(reason === 'local' ? 'error' : 'remote');
    };
    for (const data of this.#early.splice(0)) end.send(data);
    this.#opened();
  }
}

/** `createTransport` for one side; `made` lists its links. */
function links(): { made: MemoryLink[]; create: (options: PeerTransportOptions) => PeerTransport } {
  const made: MemoryLink[] = [];
  return {
    made,
    create: (options) => {
      const link = new MemoryLink(options);
      made.push(link);
      return link;
    },
  };
}

const converged = (sharer: Sharer, v: ViewingSession) =>
  v.state === 'connected' && compareDocuments(sharer.doc, v.mirror.document, { mirror: v.mirror, styles: false }).length === 0;

/** A sharer and a viewer through one chat, each side with its own `createTransport`; resolves once the page is shown. */
async function share() {
  const join = signalingRoom();
  const customer = links();
  const agent = links();
  const sharer = await createSharer({ html: PAGE });
  const sharing = await startSharing({
    approve: approveEveryViewer,
    document: sharer.doc,
    signaling: join('customer'),
    createTransport: customer.create,
  });
  const viewing = await startViewing({
    container: container(),
    signaling: join('agent'),
    invitation: sharing.invitation!,
    createTransport: agent.create,
  });
  open.push(sharing, viewing);
  await viewing.connected;
  return { customer, agent, sharer, viewing };
}

describe('session: createTransport', () => {
  it('makes every connection of both sides; the page arrives through the chat over them', async function () {
    this.timeout(20_000);
    const { customer, agent, sharer, viewing } = await share();
    await waitFor(() => converged(sharer, viewing), 5000, 'the viewer to show the page');
    assertEqual(
      agent.made.map((l) => l.options.initiator),
      [true],
      'the viewer dialled once, with its own transport',
    );
    assertEqual(
      customer.made.map((l) => l.options.initiator),
      [false],
      'the sharer answered with its own transport',
    );
  });

  it('a cut connection comes back over a new one, with what changed meanwhile', async function () {
    this.timeout(30_000);
    const { customer, agent, sharer, viewing } = await share();
    const code = viewing.sas;
    const states: StateChange[] = [];
    viewing.on('state', (s) => states.push(s));
    agent.made[0]!.cut();
    sharer.doc.getElementById('title')!.textContent = 'changed while cut';
    await waitFor(() => converged(sharer, viewing) && states.length >= 2, 15_000, 'the viewer to converge again');
    assertEqual(
      states.map((s) => s.state),
      ['reconnecting', 'connected'],
    );
    assert(
      agent.made.length >= 2 && customer.made.length >= 2,
      `a new connection on both sides (${agent.made.length}, ${customer.made.length})`,
    );
    assertEqual(viewing.sas, code, 'the same channel, resumed');
  });
});
