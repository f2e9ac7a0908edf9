// Load on the reference signaling server over loopback, the server in its own process (so its RSS is its
// own and the clients' CPU is not counted against it):
//   1. sockets held: N/4 rooms, each with a customer and an agent chat socket and both PeerJS sockets;
//      the server's RSS and heap (after a forced GC) before and after, per socket
//   2. session set-ups per second, end to end: create a room (HTTP), customer and agent join the chat,
//      invite + accept, both open PeerJS, OFFER relayed, ANSWER relayed, everybody leaves
//
//   node bench/signaling-load.mjs [--sockets 10000] [--setups-seconds 10] [--concurrency 16]
//
// `runSignalingLoad()` is what test/hard/signaling-load.test.mjs uses. Numbers are printed, not asserted
// here. The machine's `ulimit -n` must allow the sockets (the server gets its hard limit via `ulimit`).
import { spawn, execSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

const SERVER = fileURLToPath(new URL('../signaling/server.mjs', import.meta.url));
const AGENT_KEY = 'load-agent-key';

/** The server in a child process, with its fd limit raised; `mem()` asks it for RSS/heap after a GC. */
async function startServerProcess() {
  const code = `
    import { startSignalingServer } from ${JSON.stringify(pathToFileURL(SERVER).href)};
    const s = await startSignalingServer({ port: 0, agentKey: ${JSON.stringify(AGENT_KEY)}, log: () => {},
      limits: { roomBurst: 1e9, roomEveryMs: 1 } });
    process.on('message', (m) => {
      if (m === 'mem') { global.gc(); global.gc(); const u = process.memoryUsage(); process.send({ rss: u.rss, heap: u.heapUsed, ext: u.external + u.arrayBuffers }); }
    });
    process.send({ url: s.url });`;
  const cmd = `ulimit -n $(ulimit -Hn) 2>/dev/null; exec "${process.execPath}" --expose-gc --input-type=module -e '${code.replace(/'/g, "'\\''")}'`;
  const child = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = [];
  const waiting = [];
  child.on('message', (m) => (waiting.length ? waiting.shift()(m) : replies.push(m)));
  const next = () => new Promise((resolve) => (replies.length ? resolve(replies.shift()) : waiting.push(resolve)));
  const { url } = await next();
  return {
    url,
    ws: url.replace(/^http/, 'ws'),
    pid: child.pid,
    async mem() {
      await new Promise((r) => setTimeout(r, 300));
      child.send('mem');
      return next();
    },
    stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill())),
  };
}

/** A minimal client: resolves `next(type)` with the first unread JSON message of that type. */
function sock(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const inbox = [];
  const waiters = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  ws.on('error', () => {});
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  return {
    ws,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    next(type, ms = 20_000) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve, reject) => {
        const w = { type, resolve: (m) => (clearTimeout(t), resolve(m)) };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for ${type}; closed: ${ws.readyState}`));
        }, ms);
        waiters.push(w);
      });
    },
    close: () => ws.terminate(),
  };
}

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

const peerUrl = (s, welcome) => `${s.ws}/peerjs/peerjs?key=peerjs&id=${welcome.peer.id}&token=${encodeURIComponent(welcome.peer.token)}`;

/** One room with customer + agent in the chat and both on PeerJS; the OFFER/ANSWER relayed. */
async function session(s, { keep = false, negotiate = true } = {}) {
  const { room, token } = await post(`${s.url}/api/rooms`, { name: 'Load' });
  const customer = sock(`${s.ws}/chat?token=${encodeURIComponent(token)}`);
  const cw = await customer.next('welcome');
  const { token: at } = await post(`${s.url}/api/rooms/${room}/agent-token`, { name: 'Agent' }, { authorization: `Bearer ${AGENT_KEY}` });
  const agent = sock(`${s.ws}/chat?token=${encodeURIComponent(at)}`);
  const aw = await agent.next('welcome');
  if (negotiate) {
    agent.send({ type: 'invite' });
    await customer.next('invite');
    customer.send({ type: 'accept', invitation: { peer: cw.peer.id, secret: randomBytes(16).toString('base64url') } });
    await agent.next('accept');
  }
  const pc = sock(peerUrl(s, cw));
  const pa = sock(peerUrl(s, aw));
  await Promise.all([pc.next('OPEN'), pa.next('OPEN')]);
  if (negotiate) {
    pa.send({ type: 'OFFER', dst: cw.peer.id, payload: { type: 'offer', sdp: 'v=0 load' } });
    await pc.next('OFFER');
    pc.send({ type: 'ANSWER', dst: aw.peer.id, payload: { type: 'answer', sdp: 'v=0 load' } });
    await pa.next('ANSWER');
  }
  const all = [customer, agent, pc, pa];
  if (!keep) for (const x of all) x.close();
  return all;
}

const MB = (b) => b / 1024 / 1024;

/**
 * @param {{ sockets?: number, setupSeconds?: number, concurrency?: number, print?: (line: string) => void }} [o]
 */
export async function runSignalingLoad({ sockets = 10_000, setupSeconds = 10, concurrency = 16, print = console.log } = {}) {
  const limit = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());
  if (Number.isFinite(limit) && limit < sockets + 200) throw new Error(`ulimit -n is ${limit}: run with \`ulimit -n ${sockets + 1000}\` first`);
  const s = await startServerProcess();
  const out = {};
  try {
    // warm up (JIT, PeerJS realm), then a baseline
    for (let i = 0; i < 20; i++) await session(s);
    const base = await s.mem();
    // 1. sockets held
    const held = [];
    const t0 = performance.now();
    const rooms = Math.ceil(sockets / 4);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < rooms) {
          next += 1;
          held.push(...(await session(s, { keep: true, negotiate: false })));
        }
      }),
    );
    const openMs = performance.now() - t0;
    const full = await s.mem();
    const alive = held.filter((h) => h.ws.readyState === WebSocket.OPEN).length;
    out.sockets = alive;
    out.openSeconds = openMs / 1000;
    out.rssBaseMB = MB(base.rss);
    out.rssMB = MB(full.rss);
    out.heapMB = MB(full.heap);
    out.bytesPerSocket = (full.rss - base.rss) / alive;
    out.heapPerSocket = (full.heap - base.heap) / alive;
    for (const h of held) h.close();
    await new Promise((r) => setTimeout(r, 1000));
    const after = await s.mem();
    out.rssAfterCloseMB = MB(after.rss);
    out.heapAfterCloseMB = MB(after.heap);

    // 2. session set-ups per second
    const lat = [];
    let failed = 0;
    const end = performance.now() + setupSeconds * 1000;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const a = performance.now();
          try {
            await session(s);
            lat.push(performance.now() - a);
          } catch {
            failed += 1;
          }
        }
      }),
    );
    const secs = (performance.now() - t1) / 1000;
    lat.sort((a, b) => a - b);
    out.setups = lat.length;
    out.setupsFailed = failed;
    out.setupsPerSecond = lat.length / secs;
    out.setupP50 = lat[Math.floor(lat.length * 0.5)];
    out.setupP95 = lat[Math.floor(lat.length * 0.95)];
    out.concurrency = concurrency;
    const last = await s.mem();
    out.rssEndMB = MB(last.rss);
  } finally {
    await s.stop();
  }
  const rows = [
    ['sockets held (chat + PeerJS, 4 per room)', `${out.sockets}`],
    ['time to open them (32 clients in parallel)', `${out.openSeconds.toFixed(1)} s`],
    ['server RSS: idle → with the sockets', `${out.rssBaseMB.toFixed(0)} MB → ${out.rssMB.toFixed(0)} MB`],
    ['server heap with the sockets (after GC)', `${out.heapMB.toFixed(0)} MB`],
    ['memory per socket: RSS / JS heap', `${(out.bytesPerSocket / 1024).toFixed(1)} KB / ${(out.heapPerSocket / 1024).toFixed(1)} KB`],
    ['after closing them: RSS / heap', `${out.rssAfterCloseMB.toFixed(0)} MB / ${out.heapAfterCloseMB.toFixed(0)} MB`],
    [`session set-ups per second (${out.concurrency} in flight)`, `${out.setupsPerSecond.toFixed(0)} /s (${out.setups} in ${setupSeconds} s, ${out.setupsFailed} failed)`],
    ['set-up latency p50 / p95', `${out.setupP50.toFixed(0)} ms / ${out.setupP95.toFixed(0)} ms`],
    ['server RSS at the end', `${out.rssEndMB.toFixed(0)} MB`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  print(`\nsignaling load (loopback, server in its own process, node ${process.version}):\n`);
  print(`| ${'measure'.padEnd(w)} | value |`);
  print(`|${'-'.repeat(w + 2)}|-------|`);
  for (const [k, v] of rows) print(`| ${k.padEnd(w)} | ${v} |`);
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, d) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  await runSignalingLoad({ sockets: arg('sockets', 10_000), setupSeconds: arg('setups-seconds', 10), concurrency: arg('concurrency', 16) });
}
