// The audit store's write cost as it grows (signaling/STORE.md, "Cost"): records N events through the
// real store (seal + room tag + one committed WAL transaction each, as the server does) and reports,
// at each mark, the events/s so far, the cost per event over the last window, and the file sizes.
// The point: the cost per event at 1,000,000 events is the cost at the start, not 100 times it.
//
//   node bench/audit-store.mjs                    # marks 10k, 100k, 1M (about a minute on 2 cores)
//   node bench/audit-store.mjs --marks 10000,100000 --window 500 --keep DIR
//
// Reports; never asserts. Writes bench/results/audit-store.json.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../signaling/store/index.mjs';

const { values } = parseArgs({
  options: { marks: { type: 'string', default: '10000,100000,1000000' }, window: { type: 'string', default: '1000' }, keep: { type: 'string' } },
});
const marks = values.marks.split(',').map(Number);
const WINDOW = Number(values.window);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'audit-bench-'));
const file = join(dir, 'signaling.db');
const size = (/** @type {string} */ f) => (existsSync(f) ? statSync(f).size : 0);
const mb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(1)} MB`;

/** What a support chat records: mostly chat lines (~80 characters), some joins, leaves, co-browse events; rooms of 50. */
function event(/** @type {number} */ i) {
  const room = `room-${Math.floor(i / 50).toString(36).padStart(10, '0')}`;
  const peer = { role: i % 2 ? 'agent' : 'customer', name: i % 2 ? 'Alice Agent' : 'Carol Customer', peer: `peer${i % 997}` };
  if (i % 50 === 0) return [room, 'participant.joined', { ...peer, address: '203.0.113.7' }];
  if (i % 50 === 49) return [room, 'participant.left', { ...peer, address: '203.0.113.7', since: Date.now() - 60_000 }];
  if (i % 50 === 25) return [room, 'cobrowse.accepted', { by: peer, session: i, sharer: peer.peer, invitedBy: 'agent', mask: { inputs: 'sensitive' } }];
  return [room, 'chat.text', { from: peer, text: `message ${i}: my order number is 12345678 and it has not arrived yet, can you check?`, msg: i }];
}

const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const store = await openStore({ file, key: new Uint8Array(32).fill(7) });
const rows = [];
let i = 0;
/** @type {number[]} µs per event of each window of WINDOW events, in order */
const windows = [];
const t0 = performance.now();
let lastFlush = t0;
let slowest = 0; // ms: the longest single record (the event loop is blocked that long)
let slowestFlush = 0; // ms: the longest timer tick (seal head + passive checkpoint + fsync)
try {
  for (const mark of marks) {
    while (i < mark) {
      const n = Math.min(WINDOW, mark - i);
      const w0 = performance.now();
      for (let k = 0; k < n; k++, i++) {
        const [room, kind, data] = event(i);
        const e0 = performance.now();
        if (store.record(room, kind, data) === 0) throw new Error(`event ${i} was not recorded`);
        slowest = Math.max(slowest, performance.now() - e0); // an automatic checkpoint lands in one record
      }
      windows.push(((performance.now() - w0) * 1000) / n);
      // what the store's timer does once a second: seal the head, checkpoint + fsync the WAL (counted in events/s)
      if (performance.now() - lastFlush >= 1000) {
        const f0 = performance.now();
        await store.flush();
        lastFlush = performance.now();
        slowestFlush = Math.max(slowestFlush, lastFlush - f0);
      }
    }
    const elapsed = (performance.now() - t0) / 1000;
    const recent = windows.slice(-10); // the last 10 windows before the mark
    rows.push({ events: mark, eventsPerSec: Math.round(mark / elapsed), us: +median(recent).toFixed(1), usMax: +Math.max(...recent).toFixed(1), db: size(file), wal: size(`${file}-wal`) });
    console.error(`… ${mark} events`);
  }
} finally {
  await store.close();
}
const closed = size(file);

// the read side at the final size: open + key check, one room's 50 events (index on the room tag)
const r0 = performance.now();
const reader = await openStore({ file, key: new Uint8Array(32).fill(7), readOnly: true });
const openMs = performance.now() - r0;
const r1 = performance.now();
const oneRoom = reader.events({ room: event(Math.floor(i / 2))[0] }).length;
const roomMs = performance.now() - r1;
await reader.close();

const head = median(windows.slice(0, 10));
const tail = median(windows.slice(-10));
console.log(`audit store (better-sqlite3, WAL, synchronous=NORMAL), Node ${process.version}, window ${WINDOW} events`);
console.log(`| events | events/s (from 0) | µs/event over the last ${(10 * WINDOW).toLocaleString('en')} events (median / max of ${WINDOW}-event windows) | db | wal | db + wal | bytes/event |`);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.events.toLocaleString('en')} | ${r.eventsPerSec.toLocaleString('en')} | ${r.us} / ${r.usMax} | ${mb(r.db)} | ${mb(r.wal)} | ${mb(r.db + r.wal)} | ${Math.round((r.db + r.wal) / r.events)} |`);
}
console.log(`after close (WAL folded in): ${mb(closed)}, ${Math.round(closed / i)} bytes/event`);
console.log(`longest single record ${slowest.toFixed(1)} ms; longest timer tick (head + checkpoint + fsync) ${slowestFlush.toFixed(1)} ms`);
console.log(`read-only open + key check ${openMs.toFixed(1)} ms; one room (${oneRoom} events) ${roomMs.toFixed(1)} ms`);
console.log(`µs/event, median of ${WINDOW}-event windows: first ${10 * WINDOW} events ${head.toFixed(1)}, last ${10 * WINDOW} ${tail.toFixed(1)} (ratio ${(tail / head).toFixed(2)})`);

const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'audit-store.json'), JSON.stringify({ node: process.version, window: WINDOW, rows, closed, openMs, roomMs, slowest, slowestFlush, windows }, null, 1));
if (!values.keep) rmSync(dir, { recursive: true, force: true });
