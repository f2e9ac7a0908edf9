// Page of bench/peer-size.mjs: proves that a measured bundle works in this browser as built (with the
// polyfills given to it), by connecting two peers in this page through it and sending a message each
// way. A bundle missing a polyfill throws here, and its size would not count.
//   window.Impl: the bundle's export (simple-peer's Peer class, or our createPeerTransport)
const config = { iceServers: [] };

function payload(n, seed) {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

function same(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** simple-peer 9 and its fork: event emitters with signal(), send() and 'data'. */
async function simplePeer(Peer) {
  const a = new Peer({ initiator: true, config });
  const b = new Peer({ initiator: false, config });
  try {
    const failed = new Promise((_, reject) => {
      for (const [p, who] of [
        [a, 'initiator'],
        [b, 'other'],
      ])
        p.on('error', (e) => reject(new Error(`${who}: ${e?.message ?? e}`)));
    });
    a.on('signal', (s) => b.signal(s));
    b.on('signal', (s) => a.signal(s));
    const connected = (p) => new Promise((resolve) => p.on('connect', resolve));
    const data = (p) => new Promise((resolve) => p.once('data', (d) => resolve(new Uint8Array(d))));
    await Promise.race([Promise.all([connected(a), connected(b)]), failed]);
    const toB = data(b);
    const toA = data(a);
    a.send(payload(1000, 1));
    b.send(payload(1000, 2));
    const [atB, atA] = await Promise.race([Promise.all([toB, toA]), failed]);
    return same(atB, payload(1000, 1)) && same(atA, payload(1000, 2));
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** Our transport: createPeerTransport({ initiator, config, onsignal }), connected, send(), onmessage. */
async function ours(createPeerTransport) {
  let b = null;
  const a = createPeerTransport({ initiator: true, config, onsignal: (s) => b.signal(s) });
  b = createPeerTransport({ initiator: false, config, onsignal: (s) => a.signal(s) });
  try {
    await Promise.all([a.connected, b.connected]);
    const toB = new Promise((resolve) => (b.onmessage = resolve));
    const toA = new Promise((resolve) => (a.onmessage = resolve));
    a.send(payload(1000, 1));
    b.send(payload(1000, 2));
    const [atB, atA] = await Promise.all([toB, toA]);
    return same(atB, payload(1000, 1)) && same(atA, payload(1000, 2));
  } finally {
    a.close();
    b.close();
  }
}

window.__peerCheck = {
  /** Resolves true when a message went each way intact; throws with the reason otherwise. */
  async run(api) {
    if (typeof window.Impl !== 'function') throw new Error(`the bundle did not export a function (got ${typeof window.Impl})`);
    return api === 'ours' ? ours(window.Impl) : simplePeer(window.Impl);
  },
};
