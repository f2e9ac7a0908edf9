// Page of bench/chunks.mjs: one end of our WebRTC transport (src/transport/peer.ts) — the sender or the
// receiver of one big message over a real RTCDataChannel. Signals go out through window.__signal (a
// playwright binding to the other page) and come in through __chunks.signal().
// The page's own work is stood in for by a 10 ms timer (test/helpers/stalls.ts): its longest gap is how
// long the page froze. Times are `performance.timeOrigin + performance.now()`, so the two pages (one
// browser, one machine) read the same clock.
import { createPeerTransport } from '../../src/transport/peer.ts';
import { watchStalls } from '../../test/helpers/stalls.ts';

const clock = () => performance.timeOrigin + performance.now();
let transport = null;
let message = null;
let stalls = null;

/** FNV-1a over every 61st byte plus the length: cheap, and a lost or shifted chunk changes it. */
function checksum(bytes) {
  let h = 0x811c9dc5 ^ bytes.length;
  for (let i = 0; i < bytes.length; i += 61) h = Math.imul(h ^ bytes[i], 16777619);
  return h >>> 0;
}

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(i + 65536, n)));
  return out;
}

window.__chunks = {
  /** Creates this end; `options`: chunkSize, highWaterMark, lowWaterMark (absent = the defaults). */
  open(initiator, options) {
    transport = createPeerTransport({
      initiator,
      config: { iceServers: [] },
      connectTimeout: 20_000,
      ...options,
      onsignal: (s) => window.__signal(s),
    });
  },
  signal(s) {
    transport.signal(s);
  },
  /** Resolves when the data channel is open; rejects with the transport's reason if it never opens. */
  connected: () => transport.connected.then(() => true),

  /** Sender: makes the message (outside any timed window) and returns its checksum. */
  prepare(size) {
    message = randomBytes(size);
    return checksum(message);
  },
  /** Sender: starts the page timer, hands the message to the transport; the clock at the start and how long send() held the thread. */
  send() {
    stalls = watchStalls();
    const start = clock();
    transport.send(message);
    return { start, sendCallMs: clock() - start };
  },
  /** Receiver: starts the page timer; resolves when the whole message is here (or rejects if the transport closes first). */
  receive() {
    stalls = watchStalls();
    let progress = 0;
    let lastProgress = 0;
    transport.onprogress = (received) => {
      progress++;
      lastProgress = received;
    };
    return new Promise((resolve, reject) => {
      transport.onclose = (reason) => reject(new Error(`the receiving transport closed (${reason}) before the message arrived`));
      transport.onmessage = (m) => resolve({ end: clock(), length: m.length, checksum: checksum(m), progress, lastProgress });
    });
  },
  /** Either side: stops the timer; its longest gap (ms) and ticks. */
  stopStalls: () => stalls.stop(),
  close: () => transport?.close(),
};
