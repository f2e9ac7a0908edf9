// The audit store's write cost as it grows (server/STORE.md, "Cost"): records events through the
// real store (seal + room tag + one committed WAL transaction each, as the server does) from one or
// several writer processes on one file, and reports, at each mark, the events/s so far, the cost per
// event over the last windows, and the file sizes; then the events/s of each writer.
// The point: the cost per event at 1,000,000 events is the cost at the start, not 100 times it; and
// several processes on one host can share the file.
//
//   node bench/audit-store.mjs                    # one writer; marks 10k, 100k, 1M (about a minute on 2 cores)
//   node bench/audit-store.mjs --writers 3        # three processes on one file, as fast as each can
//   node bench/audit-store.mjs --writers 3 --rate 1000 --marks 60000   # paced: 1,000 events/s per writer
//   node bench/audit-store.mjs --marks 10000,100000 --window 500 --keep DIR --verify
//
// Each writer is a child process running this file with --child. Without --rate they write as fast as
// they can: the ceiling, where they also contend for the lock the most; with --rate N each writes N
// events/s in 10 ms ticks (a busy server, far above a support desk's few per second), which is what the
// latency of one `record` (it waits for the lock) means in service. Reports; never asserts.
// Writes bench/results/audit-store[-wN].json.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../server/store/index.mjs';

const KEY = new Uint8Array(32).fill(7);
const { values } = parseArgs({
  options: {
    marks: { type: 'string', default: '10000,100000,1000000' },
    window: { type: 'string', default: '1000' },
    writers: { type: 'string', default: '1' },
    rate: { type: 'string' },
    keep: { type: 'string' },
    verify: { type: 'boolean' },
    // internal: one writer process
    child: { type: 'string' },
    file: { type: 'string' },
    count: { type: 'string' },
  },
});
const WINDOW = Number(values.window);
const WRITERS = Number(values.writers);
const RATE = values.rate ? Number(values.rate) : 0; // events/s per writer; 0: as fast as it can

/**
 * What a support chat records: mostly chat lines (~80 characters), some joins, leaves, co-browse events; rooms of 50.
 * @returns {[string, string, Record<string, unknown>]} room, kind, data
 */
function event(/** @type {number} */ i) {
  const room = `room-${Math.floor(i / 50)
    .toString(36)
    .padStart(10, '0')}`;
  const peer = { role: i % 2 ? 'agent' : 'customer', name: i % 2 ? 'Alice Agent' : 'Carol Customer', peer: `peer${i % 997}` };
  if (i % 50 === 0) return [room, 'participant.joined', { ...peer, address: '203.0.113.7' }];
  if (i % 50 === 49) return [room, 'participant.left', { ...peer, address: '203.0.113.7', since: Date.now() - 60_000 }];
  if (i % 50 === 25)
    return [room, 'cobrowse.accepted', { by: peer, session: i, sharer: peer.peer, invitedBy: 'agent', mask: { inputs: 'sensitive' } }];
  return [
    room,
    'chat.text',
    { from: peer, text: `message ${i}: my order number is 12345678 and it has not arrived yet, can you check?`, msg: i },
  ];
}

if (values.child !== undefined) await writer(Number(values.child), Number(values.count), /** @type {string} */ (values.file));
else await main();

/**
 * One writer process: events w, w + WRITERS, w + 2·WRITERS, … (so the writers share rooms, as servers
 * behind a load balancer do), reported to the parent every WINDOW events.
 */
async function writer(/** @type {number} */ w, /** @type {number} */ count, /** @type {string} */ file) {
  const send = (/** @type {object} */ m) => new Promise((resolve) => process.send?.(m, resolve));
  const go = new Promise((resolve) => process.once('message', resolve)); // listening before saying ready
  await send({ ready: true });
  await go; // every writer starts at once
  const store = await openStore({ file, key: KEY });
  const t0 = performance.now();
  let lastFlush = t0;
  /** @type {number[]} ms per record: an automatic checkpoint lands in one; so does waiting for another writer's lock */
  const latencies = [];
  let slowestFlush = 0; // ms: the longest timer tick (seal head + passive checkpoint + fsync)
  for (let k = 0; k < count;) {
    const n = Math.min(WINDOW, count - k);
    const w0 = performance.now();
    let busy = 0; // ms spent in record (a paced writer also waits for its ticks)
    for (let j = 0; j < n; j++, k++) {
      if (RATE && k % Math.max(1, Math.round(RATE / 100)) === 0) {
        const due = t0 + (k / RATE) * 1000; // the 10 ms tick this event belongs to
        if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      }
      const [room, kind, data] = event(w + k * WRITERS);
      const e0 = performance.now();
      if (store.record(room, kind, data) === 0) throw new Error(`writer ${w}: event ${k} was not recorded`);
      const ms = performance.now() - e0;
      latencies.push(ms);
      busy += ms;
    }
    const us = ((RATE ? busy : performance.now() - w0) * 1000) / n;
    // what the store's timer does once a second: seal the head, checkpoint + fsync the WAL (counted in events/s)
    if (performance.now() - lastFlush >= 1000) {
      const f0 = performance.now();
      await store.flush();
      lastFlush = performance.now();
      slowestFlush = Math.max(slowestFlush, lastFlush - f0);
    }
    await send({ n, us });
  }
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  latencies.sort((a, b) => a - b);
  const q = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  await send({
    done: true,
    count,
    seconds,
    p50: q(0.5),
    p99: q(0.99),
    p999: q(0.999),
    slowest: latencies[latencies.length - 1],
    slowestFlush,
  });
  process.disconnect?.();
}

async function main() {
  const marks = values.marks.split(',').map(Number);
  const total = marks[marks.length - 1];
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'audit-bench-'));
  const file = join(dir, 'signaling.db');
  const size = (/** @type {string} */ f) => (existsSync(f) ? statSync(f).size : 0);
  const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(1)} MB`;
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const load0 = loadavg()[0];

  const counts = Array.from({ length: WRITERS }, (_, w) => Math.floor(total / WRITERS) + (w < total % WRITERS ? 1 : 0));
  /** @type {{ us: number, w: number }[]} µs per event of each window, in the order they arrived */
  const windows = [];
  /** @type {{ events: number, seconds: number, db: number, wal: number, us: number, usMax: number }[]} */
  const rows = [];
  /** @type {{ w: number, count: number, seconds: number, p50: number, p99: number, p999: number, slowest: number, slowestFlush: number }[]} */
  const results = [];
  let written = 0;
  let walPeak = 0; // the WAL only shrinks when the last connection closes: its largest size is the disk it needs
  let next = 0;
  let t0 = 0;
  const children = counts.map((count, w) =>
    fork(fileURLToPath(import.meta.url), [
      '--child',
      String(w),
      '--count',
      String(count),
      '--file',
      file,
      '--writers',
      String(WRITERS),
      '--window',
      String(WINDOW),
      ...(RATE ? ['--rate', String(RATE)] : []),
    ]),
  );
  const finished = children.map(
    (child, w) =>
      new Promise((resolve, reject) => {
        child.on('message', (/** @type {any} */ m) => {
          if (m.done) return void results.push({ w, ...m });
          if (m.ready) return;
          written += m.n;
          windows.push({ us: m.us, w });
          walPeak = Math.max(walPeak, size(`${file}-wal`));
          // a mark: once the writers together have passed it (to within one window each)
          while (next < marks.length && written >= marks[next]) {
            const recent = windows.slice(-10 * WRITERS).map((x) => x.us);
            rows.push({
              events: written,
              seconds: (performance.now() - t0) / 1000,
              db: size(file),
              wal: size(`${file}-wal`),
              us: +median(recent).toFixed(1),
              usMax: +Math.max(...recent).toFixed(1),
            });
            console.error(`… ${written} events`);
            next += 1;
          }
        });
        child.on('exit', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`writer ${w} exited ${code}`))));
      }),
  );
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  t0 = performance.now();
  for (const child of children) child.send('go');
  await Promise.all(finished);
  const seconds = (performance.now() - t0) / 1000;
  const closed = size(file); // every writer closed: the last one folded the WAL in

  // the read side at the final size: open + key check, one room's 50 events (index on the room tag)
  const r0 = performance.now();
  const reader = await openStore({ file, key: KEY, readOnly: true });
  const openMs = performance.now() - r0;
  const r1 = performance.now();
  const oneRoom = reader.events({ room: event(Math.floor(total / 2))[0] }).length;
  const roomMs = performance.now() - r1;
  let verified = null;
  if (values.verify) {
    const v0 = performance.now();
    const v = reader.verify();
    verified = {
      rows: v.rows,
      unreadable: v.unreadable.length,
      missing: v.missing.length,
      headError: v.headError ?? null,
      seconds: (performance.now() - v0) / 1000,
    };
  }
  await reader.close();

  const byWriter = (/** @type {number} */ w) => windows.filter((x) => x.w === w).map((x) => x.us);
  const head = median(windows.slice(0, 10 * WRITERS).map((x) => x.us));
  const tail = median(windows.slice(-10 * WRITERS).map((x) => x.us));
  console.log(
    `audit store (better-sqlite3, WAL, synchronous=NORMAL), Node ${process.version}, ${WRITERS} writer process(es) on one file, ${RATE ? `${RATE} events/s each` : 'as fast as they can'}, window ${WINDOW} events, load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`,
  );
  console.log(
    `| events | events/s, all writers (from 0) | µs/event${RATE ? ' in record' : ''} per writer over the last ${10 * WRITERS} windows (median / max) | db | wal | db + wal | bytes/event |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.events.toLocaleString('en')} | ${Math.round(r.events / r.seconds).toLocaleString('en')} | ${r.us} / ${r.usMax} | ${mb(r.db)} | ${mb(r.wal)} | ${mb(r.db + r.wal)} | ${Math.round((r.db + r.wal) / r.events)} |`,
    );
  }
  console.log(
    `\n${total.toLocaleString('en')} events in ${seconds.toFixed(1)} s: ${Math.round(total / seconds).toLocaleString('en')} events/s in all`,
  );
  console.log(
    '| writer | events | its time | its events/s | µs/event (median window) | one record: p50 / p99 / p99.9 / max | longest timer tick |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const ms = (/** @type {number} */ x) => (x < 1 ? x.toFixed(3) : x.toFixed(1));
  for (const r of results.sort((a, b) => a.w - b.w)) {
    console.log(
      `| ${r.w} | ${r.count.toLocaleString('en')} | ${r.seconds.toFixed(1)} s | ${Math.round(r.count / r.seconds).toLocaleString('en')} | ${median(byWriter(r.w)).toFixed(1)} | ${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.p999)} / ${ms(r.slowest)} ms | ${r.slowestFlush.toFixed(1)} ms |`,
    );
  }
  console.log(`largest WAL seen: ${mb(walPeak)}`);
  console.log(`after close (WAL folded in): ${mb(closed)}, ${Math.round(closed / total)} bytes/event`);
  console.log(`read-only open + key check ${openMs.toFixed(1)} ms; one room (${oneRoom} events) ${roomMs.toFixed(1)} ms`);
  if (verified)
    console.log(
      `verify: ${verified.rows.toLocaleString('en')} rows, ${verified.unreadable} unreadable, ${verified.missing} missing, head ${verified.headError ?? 'ok'}, ${verified.seconds.toFixed(1)} s`,
    );
  console.log(
    `µs/event, median of ${WINDOW}-event windows: first ${10 * WRITERS} windows ${head.toFixed(1)}, last ${10 * WRITERS} ${tail.toFixed(1)} (ratio ${(tail / head).toFixed(2)})`,
  );

  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const name = `audit-store${WRITERS === 1 ? '' : `-w${WRITERS}`}${RATE ? `-r${RATE}` : ''}.json`;
  writeFileSync(
    join(out, name),
    JSON.stringify(
      {
        node: process.version,
        writers: WRITERS,
        rate: RATE || null,
        window: WINDOW,
        walPeak,
        load: [load0, loadavg()[0]],
        rows,
        seconds,
        results,
        closed,
        openMs,
        roomMs,
        verified,
        windows,
      },
      null,
      1,
    ),
  );
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
