// Issue 6, item 1 (transport): the chunk Reassembler under random, mutated and hostile chunk streams.
// Run: npx tsc -p tsconfig.json && node --test test/hardening/fuzz-reassembler.test.mjs  (FUZZ_SEED to repeat)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Reassembler, chunkMessage } from '../../build/transport/chunker.js';
import { TransportError } from '../../build/transport/transport.js';
import { prng, seedFromEnv, hangWatchdog } from './fuzz-lib.mjs';

const SEED = seedFromEnv('FUZZ_SEED', 0x6c0b2025);
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 30_000);
const LIMIT = 1024 * 1024;
// push time is not asserted (bench/fuzz-speed.mjs prints it); a push that never returns is caught by a
// watchdog that kills the process after 30 s (pushes take microseconds to a few milliseconds)
const watchdog = hangWatchdog('Reassembler.push', 30);
after(() => watchdog.stop());

const chunksOf = (m, size) => {
  const c = chunkMessage(m, { chunkSize: size });
  return Array.from({ length: c.count }, (_, i) => c.chunk(i).slice()); // a data channel hands over owned buffers
};
const randMessage = (r) => r.bytes(r.chance(0.6) ? r.int(200) : r.chance(0.9) ? r.int(40_000) : r.int(300_000));
const randChunkSize = (r) => (r.chance(0.3) ? 8 + r.int(32) : r.chance(0.5) ? 8 + r.int(2000) : 16_384);

/** Chunk-stream mutations: what a broken or hostile peer could send. */
const MUTATIONS = {
  drop: (r, cs) => {
    cs.splice(r.int(cs.length), 1);
  },
  duplicate: (r, cs) => {
    const i = r.int(cs.length);
    cs.splice(i, 0, cs[i].slice());
  },
  swap: (r, cs) => {
    const i = r.int(cs.length),
      j = r.int(cs.length);
    [cs[i], cs[j]] = [cs[j], cs[i]];
  },
  'flip header': (r, cs) => {
    const c = cs[r.int(cs.length)];
    c[r.int(Math.min(5, c.length))] ^= 1 << r.int(8);
  },
  'set kind': (r, cs) => {
    cs[r.int(cs.length)][0] = r.pick([0, 1, 2, 3, 0x80, 0xff]);
  },
  truncate: (r, cs) => {
    const i = r.int(cs.length);
    cs[i] = cs[i].subarray(0, r.int(cs[i].length));
  },
  'random chunk': (r, cs) => {
    cs.splice(r.int(cs.length + 1), 0, r.bytes(r.int(64)));
  },
  'huge total': (r, cs) => {
    const t = r.pick([LIMIT + 1, 0x7fffffff, 0xffffffff, 64 * 2 ** 20 + 1]);
    cs.splice(r.int(cs.length + 1), 0, Uint8Array.of(1, t >>> 24, (t >>> 16) & 255, (t >>> 8) & 255, t & 255, ...r.bytes(r.int(8))));
  },
  empty: (r, cs) => {
    cs.splice(r.int(cs.length + 1), 0, new Uint8Array(0));
  },
};
const NAMES = Object.keys(MUTATIONS);

test(`reassembler fuzz: ${MESSAGES} messages, a third of them mutated (seed ${SEED})`, { timeout: 120_000 }, () => {
  const r = prng(SEED);
  const re = new Reassembler({ maxMessageSize: LIMIT });
  const codes = new Map();
  const uncaught = [];
  let chunks = 0,
    intact = 0,
    mutated = 0,
    lost = 0,
    heapPeak = 0,
    wrongMessages = 0;
  const push = (c) => {
    chunks++;
    watchdog.enter(c);
    try {
      return re.push(c);
    } catch (err) {
      if (err instanceof TransportError && (err.code === 'chunk' || err.code === 'oversized'))
        codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
      else uncaught.push(String(err));
      return err;
    } finally {
      watchdog.leave();
    }
  };
  /** An intact message on a clean reassembler: exactly it, at its last chunk, nothing before. */
  const deliverIntact = () => {
    const size = randChunkSize(r);
    const m = size < 40 ? r.bytes(r.int(2000)) : randMessage(r);
    const cs = chunksOf(m, size);
    const outs = cs.map(push);
    const ok = outs.slice(0, -1).every((o) => o === null) && outs.at(-1) instanceof Uint8Array && Buffer.compare(outs.at(-1), m) === 0;
    if (!ok) lost++;
    intact++;
  };
  for (let n = 0; n < MESSAGES; n++) {
    if (!r.chance(1 / 3)) {
      deliverIntact();
      continue;
    }
    mutated++;
    const size = randChunkSize(r);
    const m = size < 40 ? r.bytes(r.int(2000)) : randMessage(r);
    const cs = chunksOf(m, size);
    for (let k = 1 + (r.chance(0.3) ? r.int(3) : 0); k > 0; k--) {
      const name = r.pick(NAMES);
      if (cs.length || name === 'random chunk' || name === 'huge total' || name === 'empty') MUTATIONS[name](r, cs);
    }
    for (const c of cs) {
      const out = push(c);
      if (out instanceof Uint8Array && out.length > LIMIT) wrongMessages++; // never over the limit
    }
    // then the stream continues: a message left half-open makes the next WHOLE/FIRST a 'chunk' error
    // (the transport closes the link there); the reassembler itself is ready for the one after
    if (re.pending) {
      const err = push(chunksOf(Uint8Array.of(1, 2, 3), 16)[0]);
      assert.ok(err instanceof TransportError && err.code === 'chunk', `a new message while one is open: ${err}`);
      assert.equal(re.pending, false);
    }
    deliverIntact();
    if (n % 500 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  console.log(
    [
      `\nreassembler fuzz, seed ${SEED}: ${MESSAGES} messages (${mutated} mutated chunk streams, each followed by an intact message; ${intact} intact deliveries in all), ${chunks} chunks, limit ${LIMIT} B`,
      '| outcome | count |',
      '|---|---|',
      ...[...codes].map(([c, n]) => `| TransportError '${c}' | ${n} |`),
      `| uncaught (not a TransportError) | ${uncaught.length} |`,
      `| intact message lost or altered | ${lost} |`,
      `| message over the limit returned | ${wrongMessages} |`,
      `every push returned (hang watchdog: 30 s); heapUsed peak ${(heapPeak / 2 ** 20).toFixed(1)} MiB`,
    ].join('\n'),
  );
  assert.deepEqual(uncaught, []);
  assert.equal(lost, 0);
  assert.equal(wrongMessages, 0);
});

test('reassembler (fast-check): any sequence of arbitrary chunks → messages or typed errors, bounded', () => {
  let cases = 0;
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 20 }), fc.integer({ min: 0, max: 1000 }), (cs, max) => {
      const re = new Reassembler({ maxMessageSize: max });
      for (const c of cs) {
        cases++;
        try {
          const out = watchdog.watch(c, () => re.push(c));
          if (out) assert.ok(out.length <= max);
        } catch (err) {
          assert.ok(err instanceof TransportError && (err.code === 'chunk' || err.code === 'oversized'), String(err));
        }
      }
    }),
    { numRuns: 5_000, seed: SEED },
  );
  console.log(`\nreassembler fast-check: ${cases} arbitrary chunks, every outcome a message within the limit or a TransportError`);
});

test('reassembler: a FIRST claiming 4 GiB (or just over the default 64 MiB) is refused before allocating', () => {
  const re = new Reassembler(); // default limit, 64 MiB
  const before = process.memoryUsage();
  for (let i = 0; i < 10_000; i++) {
    const t = i % 2 ? 0xffffffff : 64 * 2 ** 20 + 1;
    const chunk = Uint8Array.of(1, t >>> 24, (t >>> 16) & 255, (t >>> 8) & 255, t & 255, 7);
    assert.throws(
      () => watchdog.watch(chunk, () => re.push(chunk)),
      (e) => e instanceof TransportError && e.code === 'oversized',
    );
  }
  const after = process.memoryUsage();
  const grew = (after.arrayBuffers - before.arrayBuffers + after.heapUsed - before.heapUsed) / 2 ** 20;
  console.log(`\n10,000 FIRST chunks claiming 64 MiB + 1 or 4 GiB: all 'oversized', memory grew ${grew.toFixed(1)} MiB`);
  assert.ok(grew < 32, `grew ${grew} MiB`);
});
