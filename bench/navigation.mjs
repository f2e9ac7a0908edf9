// Navigation → the agent's view converged, over many navigations, end to end: the demo server
// (reference signaling server included), one Chromium, the customer and the agent in two browser
// contexts (test/e2e/flow.mjs). The customer alternates a link, a reload and a link back; after each,
// the time from the navigation's start to the agent's mirror matching the new page is recorded.
//
//   node bench/navigation.mjs               # 100 navigations (needs `npm run build`: the demo loads dist/)
//   node bench/navigation.mjs --runs 30
//   node bench/navigation.mjs --trace       # also prints the signaling trace of each navigation over 1 s
//
// A fresh chat every 48 navigations (PER_SESSION, why there).
//
// Reports p50, p95, max; never asserts a time.
import { parseArgs } from 'node:util';
import { converge, openDemo, startCobrowse, until } from '../test/e2e/flow.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, trace: { type: 'boolean', default: false } } });
const runs = Number(values.runs);

// Records, in each page, every PeerJS signal sent and received (type, peer, time): when a navigation
// is slow, the trace shows which offer, answer or candidate went where and when.
const TRACE = `(() => {
  const Native = window.WebSocket;
  window.__trace = [];
  const note = (dir, text) => {
    try {
      const m = JSON.parse(text);
      if (!m || !['OFFER', 'ANSWER', 'CANDIDATE', 'EXPIRE', 'ERROR', 'OPEN', 'LEAVE'].includes(m.type)) return;
      window.__trace.push([Date.now(), dir, m.type, m.dst ?? m.src ?? '', m.type === 'ERROR' ? JSON.stringify(m.payload) : '']);
    } catch {}
  };
  const PC = window.RTCPeerConnection;
  let n = 0;
  window.RTCPeerConnection = class extends PC {
    constructor(c) {
      super(c);
      const id = 'pc' + ++n;
      const rec = (what) => window.__trace.push([Date.now(), '..', what, id, '']);
      this.addEventListener('iceconnectionstatechange', () => rec('ice:' + this.iceConnectionState));
      this.addEventListener('connectionstatechange', () => rec('conn:' + this.connectionState));
      const watch = (ch) => {
        ch.addEventListener('open', () => rec('dc:open'));
        ch.addEventListener('close', () => rec('dc:close'));
        ch.addEventListener('message', (e) => rec('dc:in ' + (e.data.byteLength ?? e.data.length)));
        const send = ch.send.bind(ch);
        ch.send = (d) => (rec('dc:out ' + (d.byteLength ?? d.length)), send(d));
      };
      this.addEventListener('datachannel', (e) => watch(e.channel));
      const create = this.createDataChannel.bind(this);
      this.createDataChannel = (...a) => { const ch = create(...a); watch(ch); return ch; };
      const close = this.close.bind(this);
      this.close = () => (rec('pc:close'), close());
      rec('pc:new');
    }
  };
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      if (!String(a[0]).includes('/peerjs')) return;
      this.addEventListener('message', (e) => note('in', e.data));
      const send = this.send.bind(this);
      this.send = (d) => (note('out', d), send(d));
    }
  };
})()`;

const PATHS = ['/guide.html', '/guide.html', '/customer.html'];
// Navigations per chat: the reference server keeps the last 64 peer ids issued in a room and retires
// older ones, the agent's included (server/rooms.mjs PEERS_PER_ROOM): after 63 customer pages the
// agent can no longer be dialed. A fresh room every 48 navigations (a multiple of the 3-step cycle).
const PER_SESSION = 48;

/** One navigation: link to the guide, reload it, link back to the shop. */
function navigate(t, i) {
  const step = i % 3;
  if (step === 0) return t.customer.click('#guide-link');
  if (step === 1) return t.customer.reload();
  return t.customer.click('.logo');
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** A fresh demo, chat and co-browse session (the customer on the shop's first page). */
async function session() {
  const t = await openDemo({ initScript: values.trace ? TRACE : undefined });
  await startCobrowse(t);
  await converge(t, 'the first page');
  return t;
}

let t = await session();
try {
  const times = [];
  for (let i = 0; i < runs; i++) {
    if (i > 0 && i % PER_SESSION === 0) {
      await t.close();
      t = await session();
    }
    const path = PATHS[i % 3];
    if (values.trace) await Promise.all([t.customer, t.agent].map((p) => p.evaluate(() => (window.__trace = []))));
    const t0 = Date.now();
    await Promise.all([t.customer.waitForURL((u) => u.pathname.endsWith(path)), navigate(t, i)]);
    let failure = null;
    try {
      await until(
        () => t.customer.evaluate(() => window.cobrowseSharing?.state === 'connected'),
        `navigation ${i}: the new page to resume`,
        30_000,
      );
      await converge(t, `navigation ${i}: the agent to follow`, 30_000);
    } catch (err) {
      failure = err;
    }
    const ms = Date.now() - t0;
    times.push(ms);
    if (values.trace && (failure || ms > 1000)) {
      const [c, a] = await Promise.all([t.customer, t.agent].map((p) => p.evaluate(() => window.__trace)));
      const rows = [...c.map((r) => ['customer', ...r]), ...a.map((r) => ['agent', ...r])].sort((x, y) => x[1] - y[1]);
      console.log(`navigation ${i} (${path}): ${ms} ms`);
      for (const [who, at, dir, type, peer, extra] of rows)
        console.log(`  +${String(at - t0).padStart(5)} ${who.padEnd(8)} ${dir.padEnd(3)} ${type.padEnd(9)} ${peer} ${extra}`);
    }
    if (failure) throw failure;
    if ((i + 1) % 10 === 0) process.stderr.write(`${i + 1}/${runs}\n`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const over = (ms) => times.filter((x) => x > ms).length;
  console.log(`navigation → agent's view converged, ${runs} navigations (link, reload, link back)`);
  console.log(
    `p50 ${quantile(sorted, 0.5)} ms · p95 ${quantile(sorted, 0.95)} ms · max ${sorted.at(-1)} ms · min ${sorted[0]} ms · over 1 s: ${over(1000)} · over 2 s: ${over(2000)}`,
  );
  if (t.pageErrors.length) console.log(`page errors: ${t.pageErrors.join('; ')}`);
} finally {
  await t.close();
}
