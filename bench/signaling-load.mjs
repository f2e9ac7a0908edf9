// Load on the reference signaling server over loopback, each server in its own process (so its RSS is
// its own and the clients' CPU is not counted against it):
//   1. sockets held: N/4 rooms, each with a customer and an agent chat socket and both PeerJS sockets;
//      each server's RSS and heap (after a forced GC) before and after, per socket
//   2. session set-ups per second, end to end: create a room (HTTP), customer and agent join the chat,
//      invite + accept, the invitation (customer → agent), both open PeerJS, OFFER relayed, ANSWER
//      relayed, everybody leaves
//
// With `--processes N --redis` the same on N server processes sharing one private redis-server (and one
// token secret). Every room is spread over processes: created on C, the customer's sockets on A, the
// agent's on B (A ≠ B), so every invite, accept, invitation, OFFER and ANSWER crosses processes through
// Redis. Reported per process, plus Redis's own memory per room and keys per room.
//
//   node bench/signaling-load.mjs [--sockets 10000] [--setups-seconds 10] [--concurrency 16] [--hold-seconds 10]
//   node bench/signaling-load.mjs --processes 3 --redis --sockets 30000 [--clients 3] [--room-idle-ms 3000]
//
// `runSignalingLoad()` is what test/hardening/signaling-load*.test.mjs use. Numbers are printed, not asserted
// here. `ulimit -n` must allow the sockets: one server process holds sockets/N of them; the clients
// live in this process (one server) or in `--clients` client processes (default: one per server, since
// 30,000 sockets do not fit under a 20,000 fd limit in one process). Children get the hard limit.
import { spawn, execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

const SELF = fileURLToPath(import.meta.url);
const SERVER = fileURLToPath(new URL('../server/server.mjs', import.meta.url));
const REDIS_HELPERS = new URL('../server/test-support/redis.mjs', import.meta.url).href;
const AGENT_KEY = 'load-agent-key';
/** One token secret for every process: a token signed by one verifies on any other. */
const SECRET = 'load-shared-signaling-secret-0123456789';
/** A message not there after this is lost (a watchdog: on loopback they take milliseconds, under load < 1 s). */
const MESSAGE_WATCHDOG_MS = 10_000;

/** `node -e <code>` (or a script) in a child with its fd limit raised to the hard limit, and IPC. */
function spawnRaised(/** @type {string[]} */ nodeArgs) {
  const quoted = nodeArgs.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const cmd = `ulimit -n $(ulimit -Hn) 2>/dev/null; exec "${process.execPath}" ${quoted}`;
  const child = spawn('sh', ['-c', cmd], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let ids = 0;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  const first = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
  });
  child.on('message', (m) => {
    const p = m && pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  child.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error('child exited'));
    pending.clear();
  });
  return {
    child,
    first,
    /** Runs `cmd` in the child; resolves with its result. */
    call(/** @type {string} */ cmd, /** @type {unknown} */ args) {
      const id = ++ids;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      });
    },
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : (child.once('exit', resolve), child.kill()))),
  };
}

/**
 * A server in a child process; `mem()` asks it for RSS/heap after a GC, `cpu()` for its CPU time (ms).
 * @param {{ redis?: string | null, secret?: string, roomIdleMs?: number }} [o]
 */
async function startServerProcess({ redis = null, secret = SECRET, roomIdleMs } = {}) {
  const options = {
    port: 0,
    agentKey: AGENT_KEY,
    secret,
    ...(redis && { redis }),
    ...(roomIdleMs && { roomIdleMs }),
    limits: { roomBurst: 1e9, roomEveryMs: 1, maxRooms: 1e7 },
  };
  const code = `
    import { startSignalingServer } from ${JSON.stringify(pathToFileURL(SERVER).href)};
    let lines = 0;
    const first = [];
    const s = await startSignalingServer({ ...${JSON.stringify(options)}, log: (l) => { lines += 1; if (first.length < 10) first.push(l); } });
    const ask = {
      mem() { global.gc(); global.gc(); const u = process.memoryUsage(); return { rss: u.rss, heap: u.heapUsed, ext: u.external + u.arrayBuffers }; },
      cpu() { const c = process.cpuUsage(); return (c.user + c.system) / 1000; },
      log: () => ({ lines, first }),
    };
    process.on('message', (m) => process.send({ id: m.id, result: ask[m.cmd]() }));
    process.on('disconnect', () => process.exit(0)); // the bench is gone (killed): so is this server
    process.send({ url: s.url, proc: s.store.proc ?? null });`;
  const p = spawnRaised(['--expose-gc', '--input-type=module', '-e', code]);
  const { url, proc } = await p.first;
  return {
    url,
    ws: url.replace(/^http/, 'ws'),
    /** its id in Redis (cb:mem fields, cb:pj values); null in memory */
    proc,
    pid: p.child.pid,
    async mem() {
      await new Promise((r) => setTimeout(r, 300));
      return p.call('mem');
    },
    cpu: () => p.call('cpu'),
    log: () => p.call('log'),
    stop: p.stop,
  };
}

/**
 * A minimal client: resolves `next(type)` with the first unread JSON message of that type; rejects
 * at once when the socket closes first (a refused token is a failure now, not at the watchdog).
 */
function sock(url) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const inbox = [];
  const waiters = [];
  /** @type {string | null} */
  let closedWith = null;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  ws.on('error', () => {});
  const closed = new Promise((resolve) =>
    ws.on('close', (code, reason) => {
      closedWith = `${code}${reason.length ? ` ${reason}` : ''}`;
      for (const w of waiters.splice(0)) w.reject(new Error(`closed (${closedWith}) while waiting for ${w.type}`));
      resolve(code);
    }),
  );
  return {
    ws,
    closed,
    send: (m) => ws.send(JSON.stringify(m)),
    next(type, ms = MESSAGE_WATCHDOG_MS) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      if (closedWith !== null) return Promise.reject(new Error(`closed (${closedWith}) while waiting for ${type}`));
      return new Promise((resolve, reject) => {
        const w = {
          type,
          resolve: (m) => (clearTimeout(t), resolve(m)),
          reject: (/** @type {Error} */ e) => (clearTimeout(t), reject(e)),
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for ${type}; socket state ${ws.readyState}`));
        }, ms);
        waiters.push(w);
      });
    },
    close: () => ws.terminate(),
    /** The messages nobody asked for, short. */
    unread: () =>
      inbox
        .map((m) =>
          m.type === 'error' || m.type === 'ERROR' ? `${m.type} ${m.code ?? m.payload?.type}: ${m.message ?? m.payload?.msg}` : m.type,
        )
        .join(', ')
        .slice(0, 300),
  };
}

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

const peerUrl = (s, welcome) => `${s.ws}/peerjs/peerjs?key=peerjs&id=${welcome.peer.id}&token=${encodeURIComponent(welcome.peer.token)}`;

/**
 * Which processes one room uses: created on `c`, the customer's sockets on `a`, the agent's on `b`.
 * @typedef {{ a: number, b: number, c: number }} Placement
 */

/**
 * One room with customer + agent in the chat and both on PeerJS; with `negotiate` the invite, accept,
 * invitation, OFFER and ANSWER go through. `misrouted` counts relayed messages that arrived with the
 * wrong sender or content (a relay that mixes up peers would still "deliver").
 * @param {{ url: string, ws: string }[]} servers @param {Placement} at
 */
async function session(servers, { a, b, c }, { keep = false, negotiate = true } = {}) {
  const [A, B, C] = [servers[a], servers[b], servers[c]];
  const all = [];
  let misrouted = 0;
  const expect = (ok) => void (ok || (misrouted += 1));
  try {
    const { room, token } = await post(`${C.url}/api/rooms`, { name: 'Load' });
    const customer = sock(`${A.ws}/chat?token=${encodeURIComponent(token)}`);
    all.push(customer);
    const cw = await customer.next('welcome');
    const { token: at } = await post(`${B.url}/api/rooms/${room}/agent-token`, { name: 'Agent' }, { authorization: `Bearer ${AGENT_KEY}` });
    const agent = sock(`${B.ws}/chat?token=${encodeURIComponent(at)}`);
    all.push(agent);
    const aw = await agent.next('welcome');
    if (negotiate) {
      agent.send({ type: 'invite' });
      expect((await customer.next('invite')).from?.peer === aw.peer.id);
      customer.send({ type: 'accept', invitation: { peer: cw.peer.id } });
      expect((await agent.next('accept')).invitation?.peer === cw.peer.id);
      const secret = randomBytes(16).toString('base64url');
      customer.send({ type: 'invitation', to: aw.peer.id, invitation: { peer: cw.peer.id, secret } });
      const inv = await agent.next('invitation');
      expect(inv.invitation?.secret === secret && inv.from?.peer === cw.peer.id);
    }
    const pc = sock(peerUrl(A, cw));
    const pa = sock(peerUrl(B, aw));
    all.push(pc, pa);
    await Promise.all([pc.next('OPEN'), pa.next('OPEN')]);
    if (negotiate) {
      const sdp = `v=0 ${room}`;
      pa.send({ type: 'OFFER', dst: cw.peer.id, payload: { type: 'offer', sdp } });
      const offer = await pc.next('OFFER');
      expect(offer.src === aw.peer.id && offer.payload?.sdp === sdp);
      pc.send({ type: 'ANSWER', dst: aw.peer.id, payload: { type: 'answer', sdp } });
      const answer = await pa.next('ANSWER');
      expect(answer.src === cw.peer.id && answer.payload?.sdp === sdp);
    }
    if (!keep) for (const x of all) x.close();
    return { socks: all, room, customerPeer: cw.peer.id, agentPeer: aw.peer.id, misrouted };
  } catch (err) {
    for (const x of all) x.close();
    // what the other sockets got instead is the clue (an ERROR to the sender, a message to the wrong one)
    const others = all.map((x, i) => `${['customer', 'agent', 'customer PeerJS', 'agent PeerJS'][i]}: [${x.unread()}]`).join('; ');
    throw new Error(`${/** @type {Error} */ (err).message} (unread: ${others})`, { cause: err });
  }
}

/**
 * The client side: holds sockets and runs set-ups against `servers`. Runs in this process, or in a
 * client process (`--driver`) that the orchestrator drives over IPC with the same calls.
 * @param {{ url: string, ws: string }[]} servers
 */
function createClientSide(servers) {
  /** @type {ReturnType<typeof sock>[]} */
  const held = [];
  return {
    /** Opens (and keeps) the sockets of `rooms`, `parallel` rooms at a time. */
    async hold(/** @type {{ rooms: Placement[], parallel: number }} */ { rooms, parallel }) {
      const placed = [];
      const errors = [];
      let failed = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < rooms.length) {
            const at = rooms[next++];
            try {
              const s = await session(servers, at, { keep: true, negotiate: false });
              held.push(...s.socks);
              placed.push({ room: s.room, a: at.a, b: at.b, customer: s.customerPeer, agent: s.agentPeer });
            } catch (err) {
              failed += 1;
              if (errors.length < 50) errors.push(/** @type {Error} */ (err).message);
            }
          }
        }),
      );
      return { placed, failed, errors };
    },
    alive: () => held.filter((h) => h.ws.readyState === WebSocket.OPEN).length,
    release() {
      for (const h of held) h.close();
      held.length = 0;
    },
    /** Set-ups for `seconds`, `concurrency` in flight, each worker cycling through `plans` from `offset`. */
    async setups(
      /** @type {{ plans: Placement[], seconds: number, concurrency: number, offset?: number }} */ {
        plans,
        seconds,
        concurrency,
        offset = 0,
      },
    ) {
      const perPlan = plans.map(() => ({ ok: 0, failed: 0, misrouted: 0 }));
      const lat = [];
      const errors = [];
      const t0 = performance.now();
      const end = t0 + seconds * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async (_, w) => {
          for (let k = offset + w; performance.now() < end; k++) {
            const i = k % plans.length;
            const a = performance.now();
            try {
              const r = await session(servers, plans[i]);
              lat.push(performance.now() - a);
              perPlan[i].ok += 1;
              perPlan[i].misrouted += r.misrouted;
            } catch (err) {
              perPlan[i].failed += 1;
              if (errors.length < 50) errors.push(/** @type {Error} */ (err).message);
            }
          }
        }),
      );
      return { perPlan, lat, seconds: (performance.now() - t0) / 1000, errors };
    },
  };
}

/** A client process (`node bench/signaling-load.mjs --driver`), called like createClientSide(). */
async function startClientProcess(/** @type {{ url: string, ws: string }[]} */ servers) {
  const p = spawnRaised([SELF, '--driver']);
  await p.first;
  await p.call('init', servers);
  return {
    hold: (args) => p.call('hold', args),
    alive: () => p.call('alive'),
    release: () => p.call('release'),
    setups: (args) => p.call('setups', args),
    stop: p.stop,
  };
}

/** The ordered process pairs (customer on a, agent on b, a ≠ b), each room made on a third when there is one. */
function placements(/** @type {number} */ n) {
  if (n === 1) return [{ a: 0, b: 0, c: 0 }];
  const out = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      let c = 0;
      while (n > 2 && (c === a || c === b)) c += 1;
      out.push({ a, b, c: n > 2 ? c : a });
    }
  }
  return out;
}

const MB = (b) => b / 1024 / 1024;

/** Each server's CPU (ms) over `seconds` of doing nothing but holding its sockets: % of one core. */
async function idleCpu(/** @type {{ cpu: () => Promise<number> }[]} */ servers, /** @type {number} */ seconds) {
  const before = await Promise.all(servers.map((s) => s.cpu()));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await Promise.all(servers.map((s) => s.cpu()));
  return after.map((t, i) => (t - before[i]) / 10 / seconds);
}

const fdLimit = () => {
  const text = execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim();
  return text === 'unlimited' ? Infinity : Number(text);
};

/** Redis's used_memory, key count, CPU seconds and commands run, through redis-cli (`redis.cli`). */
function redisStats(/** @type {{ cli: (...args: string[]) => string }} */ redis) {
  const field = (text, name) => Number(new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]);
  const mem = redis.cli('info', 'memory');
  const cpu = redis.cli('info', 'cpu');
  const commands = field(redis.cli('info', 'stats'), 'total_commands_processed');
  return {
    used: field(mem, 'used_memory'),
    keys: Number(redis.cli('dbsize')),
    cpu: field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys'),
    commands,
  };
}

/**
 * Whether each held room's sockets are where they were sent, as the servers themselves recorded it in
 * Redis (PROTOCOL.md, "Running N processes"): cb:pj:<peer> names the process holding a peer's PeerJS
 * socket, cb:mem:<room> has `<process>/<peer>` per chat socket. `crossProcess`: customer and agent on
 * different processes; `stored`: cb:room:<id> is still there (a room in use must not expire).
 */
async function checkPlacement(/** @type {string} */ url, /** @type {any[]} */ placed, /** @type {(string | null)[]} */ procs) {
  const { createClient } = await import('redis');
  const client = createClient({ url });
  await client.connect();
  let ok = 0;
  let crossProcess = 0;
  let stored = 0;
  try {
    for (let i = 0; i < placed.length; i += 500) {
      const chunk = placed.slice(i, i + 500);
      const rows = await Promise.all(
        chunk.map((p) =>
          Promise.all([
            client.get(`cb:pj:${p.customer}`),
            client.get(`cb:pj:${p.agent}`),
            client.hKeys(`cb:mem:${p.room}`),
            client.exists(`cb:room:${p.room}`),
          ]),
        ),
      );
      rows.forEach(([pjc, pja, mem, exists], j) => {
        const p = chunk[j];
        const [pa, pb] = [procs[p.a], procs[p.b]];
        if (pjc === pa && pja === pb && mem.includes(`${pa}/${p.customer}`) && mem.includes(`${pb}/${p.agent}`)) ok += 1;
        if (pjc && pja && pjc !== pja) crossProcess += 1;
        if (exists) stored += 1;
      });
    }
  } finally {
    await client.quit();
  }
  return { rooms: placed.length, ok, crossProcess, stored };
}

/**
 * @param {{ sockets?: number, setupSeconds?: number, concurrency?: number, processes?: number, redis?: boolean,
 *   clients?: number, holdSeconds?: number, roomIdleMs?: number, print?: (line: string) => void }} [o]  `clients`:
 *   client processes (0: this process); default 0 for one server process, else one per server process.
 *   `holdSeconds`: how long the sockets are held idle while the servers' CPU is measured (what holding them
 *   costs). `roomIdleMs`: the servers' (default theirs, 24 h); shorter than the hold, it checks that rooms
 *   in use do not expire in Redis
 */
export async function runSignalingLoad({
  sockets = 10_000,
  setupSeconds = 10,
  concurrency = 16,
  processes = 1,
  redis = false,
  clients,
  holdSeconds = 10,
  roomIdleMs,
  print = console.log,
} = {}) {
  if (processes > 1 && !redis) throw new Error('more than one process needs --redis (processes share rooms through it)');
  clients ??= processes === 1 ? 0 : processes;
  const limit = fdLimit();
  const perProcess = Math.ceil(sockets / Math.max(1, clients)) + 200;
  if (limit < perProcess) throw new Error(`ulimit -n is ${limit}: run with \`ulimit -n ${perProcess + 1000}\` first`);
  if (processes === 1 && !redis) return single({ sockets, setupSeconds, concurrency, clients, holdSeconds, print });
  return multi({ sockets, setupSeconds, concurrency, processes, clients, holdSeconds, roomIdleMs, print });
}

/** Starts the client side: here (0) or in `n` client processes. */
async function clientSides(servers, n) {
  if (n === 0) return [Object.assign(createClientSide(servers), { stop: async () => {} })];
  return Promise.all(Array.from({ length: n }, () => startClientProcess(servers)));
}

/** Phase 1 on every client side: `rooms` rooms, 32 opened at a time overall. */
async function holdRooms(sides, plans, rooms) {
  const share = sides.map(() => []);
  for (let i = 0; i < rooms; i++) share[i % sides.length].push(plans[i % plans.length]);
  const t0 = performance.now();
  const results = await Promise.all(sides.map((s, i) => s.hold({ rooms: share[i], parallel: Math.ceil(32 / sides.length) })));
  return {
    openSeconds: (performance.now() - t0) / 1000,
    placed: results.flatMap((r) => r.placed),
    failed: results.reduce((n, r) => n + r.failed, 0),
    errors: distinct(results.flatMap((r) => r.errors)),
  };
}

/** Phase 2 on every client side at once; merged per placement. */
async function runSetups(sides, plans, seconds, concurrency) {
  const per = Math.ceil(concurrency / sides.length);
  const results = await Promise.all(sides.map((s, i) => s.setups({ plans, seconds, concurrency: per, offset: i * per })));
  const perPlan = plans.map((p, i) => ({ ...p, ok: 0, failed: 0, misrouted: 0, ...sum(results.map((r) => r.perPlan[i])) }));
  const lat = results.flatMap((r) => r.lat).sort((a, b) => a - b);
  return {
    perPlan,
    lat,
    seconds: Math.max(...results.map((r) => r.seconds)),
    concurrency: per * sides.length,
    errors: distinct(results.flatMap((r) => r.errors)),
  };
}

/** Distinct error messages, each with how often it came (of the first 50 per client side). */
function distinct(/** @type {string[]} */ errors) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const e of errors) counts.set(e, (counts.get(e) ?? 0) + 1);
  return [...counts].map(([e, n]) => (n > 1 ? `${e} (×${n})` : e));
}

const sum = (rows) =>
  rows.reduce((acc, r) => ({ ok: acc.ok + r.ok, failed: acc.failed + r.failed, misrouted: acc.misrouted + r.misrouted }), {
    ok: 0,
    failed: 0,
    misrouted: 0,
  });

/** One server process, rooms in memory: the README's figures. */
async function single({ sockets, setupSeconds, concurrency, clients, holdSeconds, print }) {
  const s = await startServerProcess();
  const sides = await clientSides([s], clients);
  const plans = placements(1);
  const out = {};
  try {
    // warm up (JIT, PeerJS realm), then a baseline
    for (let i = 0; i < 20; i++) await session([s], plans[0]);
    const base = await s.mem();
    // 1. sockets held
    const held = await holdRooms(sides, plans, Math.ceil(sockets / 4));
    const full = await s.mem();
    const alive = (await Promise.all(sides.map((x) => x.alive()))).reduce((a, b) => a + b, 0);
    out.sockets = alive;
    out.holdFailed = held.failed;
    out.holdErrors = held.errors;
    out.openSeconds = held.openSeconds;
    out.rssBaseMB = MB(base.rss);
    out.rssMB = MB(full.rss);
    out.heapMB = MB(full.heap);
    out.bytesPerSocket = (full.rss - base.rss) / alive;
    out.heapPerSocket = (full.heap - base.heap) / alive;
    [out.idleCpuPercent] = await idleCpu([s], holdSeconds);
    out.holdSeconds = holdSeconds;
    await Promise.all(sides.map((x) => x.release()));
    await new Promise((r) => setTimeout(r, 1000));
    const after = await s.mem();
    out.rssAfterCloseMB = MB(after.rss);
    out.heapAfterCloseMB = MB(after.heap);

    // 2. session set-ups per second
    const cpu0 = await s.cpu();
    const r = await runSetups(sides, plans, setupSeconds, concurrency);
    out.cpuSeconds = ((await s.cpu()) - cpu0) / 1000;
    const { ok, failed, misrouted } = sum(r.perPlan);
    out.setups = ok;
    out.setupsFailed = failed;
    out.misrouted = misrouted;
    out.setupErrors = r.errors;
    out.setupsPerSecond = ok / r.seconds;
    out.cpuMsPerSetup = (out.cpuSeconds * 1000) / ok;
    out.setupP50 = r.lat[Math.floor(r.lat.length * 0.5)];
    out.setupP95 = r.lat[Math.floor(r.lat.length * 0.95)];
    out.concurrency = r.concurrency;
    const last = await s.mem();
    out.rssEndMB = MB(last.rss);
  } finally {
    await Promise.all(sides.map((x) => x.stop()));
    await s.stop();
  }
  const rows = [
    ['sockets held (chat + PeerJS, 4 per room)', `${out.sockets}`],
    ['time to open them (32 clients in parallel)', `${out.openSeconds.toFixed(1)} s`],
    ['server RSS: idle → with the sockets', `${out.rssBaseMB.toFixed(0)} MB → ${out.rssMB.toFixed(0)} MB`],
    ['server heap with the sockets (after GC)', `${out.heapMB.toFixed(0)} MB`],
    ['memory per socket: RSS / JS heap', `${(out.bytesPerSocket / 1024).toFixed(1)} KB / ${(out.heapPerSocket / 1024).toFixed(1)} KB`],
    [`server CPU while holding them idle (${out.holdSeconds} s)`, `${out.idleCpuPercent.toFixed(1)} % of a core`],
    ['after closing them: RSS / heap', `${out.rssAfterCloseMB.toFixed(0)} MB / ${out.heapAfterCloseMB.toFixed(0)} MB`],
    [
      `session set-ups per second (${out.concurrency} in flight)`,
      `${out.setupsPerSecond.toFixed(0)} /s (${out.setups} in ${setupSeconds} s, ${out.setupsFailed} failed)`,
    ],
    ['set-up latency p50 / p95', `${out.setupP50?.toFixed(0)} ms / ${out.setupP95?.toFixed(0)} ms`],
    ['server CPU per set-up', `${out.cpuMsPerSetup.toFixed(1)} ms (${out.cpuSeconds.toFixed(1)} s in ${setupSeconds} s)`],
    ['server RSS at the end', `${out.rssEndMB.toFixed(0)} MB`],
  ];
  print(`\nsignaling load (loopback, server in its own process, node ${process.version}, ${cpus().length} CPUs):\n`);
  printTable(print, ['measure', 'value'], rows);
  for (const e of [...out.holdErrors, ...out.setupErrors]) print(`  error: ${e}`);
  return out;
}

/** N server processes on one private Redis, every room spread over two (or three) of them. */
async function multi({ sockets, setupSeconds, concurrency, processes, clients, holdSeconds, roomIdleMs, print }) {
  const { startRedis } = await import(REDIS_HELPERS);
  const redis = await startRedis();
  // redis-server runs as a daemon: stop it even when this process is ended early (a test's watchdog)
  const stopRedis = () => redis.stop();
  process.once('exit', stopRedis);
  /** @type {Awaited<ReturnType<typeof startServerProcess>>[]} */
  const servers = [];
  /** @type {any[]} */
  let sides = [];
  const plans = placements(processes);
  let out;
  try {
    for (let i = 0; i < processes; i++) servers.push(await startServerProcess({ redis: redis.url, roomIdleMs }));
    sides = await clientSides(servers, clients);
    const warm = await warmUp(servers, plans);
    const held = await holdPhase({ servers, sides, plans, redis, sockets, holdSeconds });
    const set = await setupPhase({ servers, sides, plans, redis, setupSeconds, concurrency });
    const logs = await Promise.all(servers.map((s) => s.log()));
    out = { processes, clients, ...warm, ...held.summary, ...set.summary, redis: { ...held.redis, ...set.redis } };
    out.perProcess = servers.map((s, i) => ({
      proc: s.proc,
      ...held.perProcess[i],
      ...set.perProcess[i],
      logLines: logs[i].lines,
      firstLog: logs[i].first,
    }));
    out.rssMB = Math.max(...out.perProcess.map((p) => p.rssMB));
  } catch (err) {
    // what the servers said is the first clue
    for (const [i, s] of servers.entries())
      for (const l of (await s.log().catch(() => ({ first: [] }))).first) print(`  process ${i} logged: ${l}`);
    throw err;
  } finally {
    await Promise.all(sides.map((x) => x.stop()));
    await Promise.all(servers.map((s) => s.stop()));
    process.off('exit', stopRedis);
    redis.stop();
  }
  printMulti(out, print);
  return out;
}

/**
 * Five set-ups per placement, one at a time (JIT, PeerJS realm, the Redis connections) before the
 * baselines. They are set-ups too: a failure is counted, not fatal; after 3, warming up stops.
 */
async function warmUp(servers, plans) {
  const errors = [];
  for (let i = 0; i < 5 * plans.length && errors.length < 3; i++) {
    await session(servers, plans[i % plans.length]).catch((/** @type {Error} */ err) => errors.push(err.message));
  }
  return { warmupFailed: errors.length, warmupErrors: errors };
}

const countAlive = async (sides) => (await Promise.all(sides.map((x) => x.alive()))).reduce((a, b) => a + b, 0);

/** Phase 1 with Redis: hold the sockets, memory before/with/after per process and in Redis, quiet-hold CPU. */
async function holdPhase({ servers, sides, plans, redis, sockets, holdSeconds }) {
  const base = await Promise.all(servers.map((s) => s.mem()));
  const rBase = redisStats(redis);
  const held = await holdRooms(sides, plans, Math.ceil(sockets / 4));
  const full = await Promise.all(servers.map((s) => s.mem()));
  const rFull = redisStats(redis);
  const alive = await countAlive(sides);
  const procs = servers.map((s) => s.proc);
  const placement = await checkPlacement(redis.url, held.placed, procs);
  const rIdle0 = redisStats(redis);
  const idle = await idleCpu(servers, holdSeconds);
  const rIdle1 = redisStats(redis);
  const placementAfterHold = await checkPlacement(redis.url, held.placed, procs);
  // still open after the quiet hold (a heartbeat that stalls a process could cost sockets)
  const socketsAfterHold = await countAlive(sides);
  await Promise.all(sides.map((x) => x.release()));
  // the processes drop a room from their cache ~10 s after its last socket left (heartbeat eviction)
  await new Promise((r) => setTimeout(r, 12_000));
  const after = await Promise.all(servers.map((s) => s.mem()));
  const rAfter = redisStats(redis);
  const n = held.placed.length || 1;
  // sockets per process, from where each held room put them (chat + PeerJS per party)
  const on = servers.map(() => 0);
  for (const p of held.placed) ((on[p.a] += 2), (on[p.b] += 2));
  return {
    summary: {
      sockets: alive,
      rooms: held.placed.length,
      holdFailed: held.failed,
      holdErrors: held.errors,
      openSeconds: held.openSeconds,
      holdSeconds,
      placement,
      placementAfterHold,
      socketsAfterHold,
    },
    redis: {
      usedBaseMB: MB(rBase.used),
      usedMB: MB(rFull.used),
      bytesPerRoom: (rFull.used - rBase.used) / n,
      keysPerRoom: (rFull.keys - rBase.keys) / n,
      idleBytesPerRoom: (rAfter.used - rBase.used) / n,
      idleKeysPerRoom: (rAfter.keys - rBase.keys) / n,
      // what keeping the rooms alive costs Redis while nothing happens in them (the heartbeats)
      idleCommandsPerSecond: (rIdle1.commands - rIdle0.commands) / holdSeconds,
      idleCpuPercent: ((rIdle1.cpu - rIdle0.cpu) * 100) / holdSeconds,
    },
    perProcess: servers.map((_, i) => ({
      sockets: on[i],
      rssBaseMB: MB(base[i].rss),
      rssMB: MB(full[i].rss),
      heapBaseMB: MB(base[i].heap),
      heapMB: MB(full[i].heap),
      bytesPerSocket: (full[i].rss - base[i].rss) / on[i],
      heapPerSocket: (full[i].heap - base[i].heap) / on[i],
      idleCpuPercent: idle[i],
      rssAfterCloseMB: MB(after[i].rss),
      heapAfterCloseMB: MB(after[i].heap),
    })),
  };
}

/** Phase 2 with Redis: set-ups on every pair of processes, with each server's and Redis's CPU and commands. */
async function setupPhase({ servers, sides, plans, redis, setupSeconds, concurrency }) {
  const cpu0 = await Promise.all(servers.map((s) => s.cpu()));
  const r0 = redisStats(redis);
  const r = await runSetups(sides, plans, setupSeconds, concurrency);
  const cpu1 = await Promise.all(servers.map((s) => s.cpu()));
  const r1 = redisStats(redis);
  const total = sum(r.perPlan);
  const done = (/** @type {(p: Placement) => boolean} */ f) => r.perPlan.filter(f).reduce((x, p) => x + p.ok, 0);
  return {
    summary: {
      setups: total.ok,
      setupsFailed: total.failed,
      misrouted: total.misrouted,
      setupErrors: r.errors,
      setupsPerSecond: total.ok / r.seconds,
      setupSeconds: r.seconds,
      setupP50: r.lat[Math.floor(r.lat.length * 0.5)],
      setupP95: r.lat[Math.floor(r.lat.length * 0.95)],
      concurrency: r.concurrency,
      pairs: r.perPlan,
    },
    redis: { cpuSecondsDuringSetups: r1.cpu - r0.cpu, commandsDuringSetups: r1.commands - r0.commands },
    perProcess: servers.map((_, i) => ({
      setupsAsCustomer: done((p) => p.a === i),
      setupsAsAgent: done((p) => p.b === i),
      cpuSeconds: (cpu1[i] - cpu0[i]) / 1000,
    })),
  };
}

function printTable(print, head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  print(line(head));
  print(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) print(line(r));
}

function printMulti(out, print) {
  const P = out.perProcess;
  const KB = (b) => `${(b / 1024).toFixed(1)} KB`;
  const col = (f) => P.map(f);
  const secs = out.setupSeconds;
  const totalCpu = P.reduce((a, p) => a + p.cpuSeconds, 0);
  const plural = (n, what) => `${n} ${what}${n === 1 ? '' : 'es'}`;
  const clientsAt = out.clients ? `clients in ${plural(out.clients, 'process')}` : 'clients in this process';
  print(
    `\nsignaling load: ${plural(out.processes, 'server process')} on one Redis, ${clientsAt} (loopback, node ${process.version}, ${cpus().length} CPUs):\n`,
  );
  printTable(
    print,
    ['measure', ...P.map((_, i) => `process ${i}`), 'all'],
    [
      [
        'sockets held (chat + PeerJS)',
        ...col((p) => p.sockets),
        `${out.sockets} open of ${out.rooms * 4} (${out.holdFailed} rooms failed)`,
      ],
      ['RSS: idle → with the sockets', ...col((p) => `${p.rssBaseMB.toFixed(0)} → ${p.rssMB.toFixed(0)} MB`), ''],
      ['heap (after GC): idle → with the sockets', ...col((p) => `${p.heapBaseMB.toFixed(0)} → ${p.heapMB.toFixed(0)} MB`), ''],
      ['per socket: RSS / heap', ...col((p) => `${KB(p.bytesPerSocket)} / ${KB(p.heapPerSocket)}`), ''],
      [
        `CPU while holding them idle (${out.holdSeconds} s)`,
        ...col((p) => `${p.idleCpuPercent.toFixed(1)} %`),
        `Redis ${out.redis.idleCpuPercent.toFixed(1)} %, ${out.redis.idleCommandsPerSecond.toFixed(0)} commands/s; ${out.socketsAfterHold} sockets still open after`,
      ],
      [
        'after closing them (+12 s): RSS / heap',
        ...col((p) => `${p.rssAfterCloseMB.toFixed(0)} / ${p.heapAfterCloseMB.toFixed(0)} MB`),
        '',
      ],
      [
        'set-ups with the customer here (/s)',
        ...col((p) => `${p.setupsAsCustomer} (${(p.setupsAsCustomer / secs).toFixed(0)}/s)`),
        `${out.setups} (${out.setupsPerSecond.toFixed(0)}/s)`,
      ],
      ['set-ups with the agent here', ...col((p) => p.setupsAsAgent), ''],
      [
        'server CPU during set-ups',
        ...col((p) => `${p.cpuSeconds.toFixed(1)} s`),
        `${totalCpu.toFixed(1)} s + Redis ${out.redis.cpuSecondsDuringSetups.toFixed(1)} s in ${secs.toFixed(1)} s`,
      ],
      [
        'server CPU per set-up',
        ...col(() => ''),
        `${((totalCpu * 1000) / out.setups).toFixed(1)} ms (+ Redis ${((out.redis.cpuSecondsDuringSetups * 1000) / out.setups).toFixed(1)} ms)`,
      ],
      ['Redis commands per set-up', ...col(() => ''), `${(out.redis.commandsDuringSetups / out.setups).toFixed(0)} (heartbeats included)`],
      ['lines logged (errors, warnings)', ...col((p) => p.logLines), ''],
    ],
  );
  print('');
  printTable(
    print,
    ['measure', 'value'],
    [
      [
        'rooms on two processes (as recorded in Redis)',
        `${out.placement.crossProcess} of ${out.placement.rooms} (sockets where sent: ${out.placement.ok})`,
      ],
      [
        `after holding them ${out.holdSeconds} s: rooms still stored / sockets still recorded`,
        `${out.placementAfterHold.stored} / ${out.placementAfterHold.ok} of ${out.placementAfterHold.rooms}`,
      ],
      ['Redis used_memory: before → with the rooms', `${out.redis.usedBaseMB.toFixed(1)} → ${out.redis.usedMB.toFixed(1)} MB`],
      ['Redis per live room: bytes / keys', `${out.redis.bytesPerRoom.toFixed(0)} B / ${out.redis.keysPerRoom.toFixed(2)}`],
      [
        'Redis per room after everyone left: bytes / keys',
        `${out.redis.idleBytesPerRoom.toFixed(0)} B / ${out.redis.idleKeysPerRoom.toFixed(2)} (kept for roomIdleMs)`,
      ],
      ['time to open the sockets (32 rooms at a time)', `${out.openSeconds.toFixed(1)} s`],
      [
        `set-ups, ${out.concurrency} in flight`,
        `${out.setups} in ${secs.toFixed(1)} s: ${out.setupsPerSecond.toFixed(0)} /s, ${out.setupsFailed} failed, ${out.misrouted} misrouted`,
      ],
      [`warm-up set-ups (${5 * out.pairs.length} one at a time, stopped after 3 failed)`, `${out.warmupFailed} failed`],
      ['set-up latency p50 / p95', `${out.setupP50?.toFixed(0)} ms / ${out.setupP95?.toFixed(0)} ms`],
    ],
  );
  print('');
  printTable(
    print,
    ['customer on → agent on (room made on)', 'set-ups', 'failed', 'misrouted'],
    out.pairs.map((p) => [`${p.a} → ${p.b} (${p.c})`, p.ok, p.failed, p.misrouted]),
  );
  for (const e of [...out.warmupErrors, ...out.holdErrors, ...out.setupErrors]) print(`  error: ${e}`);
  for (const [i, p] of P.entries()) for (const l of p.firstLog) print(`  process ${i} logged: ${l}`);
}

/** `--driver`: a client process, driven over IPC (startClientProcess). */
function runDriver() {
  /** @type {ReturnType<typeof createClientSide> | null} */
  let side = null;
  process.on('message', async ({ id, cmd, args }) => {
    try {
      if (cmd === 'init') side = createClientSide(args);
      const result = cmd === 'init' ? null : await /** @type {any} */ (side)[cmd](args);
      process.send?.({ id, result });
    } catch (err) {
      process.send?.({ id, error: /** @type {Error} */ (err).message });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const has = (name) => process.argv.includes(`--${name}`);
  const arg = (name, d) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  if (has('driver')) runDriver();
  else {
    await runSignalingLoad({
      sockets: arg('sockets', 10_000),
      setupSeconds: arg('setups-seconds', 10),
      concurrency: arg('concurrency', 16),
      processes: arg('processes', 1),
      redis: has('redis'),
      clients: has('clients') ? arg('clients', 0) : undefined,
      holdSeconds: arg('hold-seconds', 10),
      roomIdleMs: has('room-idle-ms') ? arg('room-idle-ms', 0) : undefined,
    });
  }
}
