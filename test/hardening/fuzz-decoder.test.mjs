// Issue 6, item 1: the frame decoder under ≥ 100,000 generated, mutated and random frames.
// Run: npx tsc -p tsconfig.json && node --test test/hardening/fuzz-decoder.test.mjs
// Repeat a run: FUZZ_SEED=<seed printed below>. Scale: FUZZ_FRAMES (default 100,000 bulk cases).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDecoder, FrameEncoder, encodeFrame, ProtocolError, OpCode, NodeKind, MAX_DEPTH } from './protocol-src.mjs';
import { prng, seedFromEnv, randFrame, MUTATORS, MUTATOR_NAMES, depthBomb, uvBytes, chainTree, concat, hangWatchdog } from './fuzz-lib.mjs';

const SEED = seedFromEnv('FUZZ_SEED', 0x6c0b2025);
const BULK = Number(process.env.FUZZ_FRAMES ?? 100_000);
// Decode time is not asserted (bench/fuzz-speed.mjs prints it); a decode that never returns is caught
// by a watchdog that kills the process after this long (decodes take micro- to milliseconds)
const HANG_S = 30;
const watchdog = hangWatchdog('FrameDecoder.decode', HANG_S);
after(() => watchdog.stop());
const CODES = new Set([
  'version',
  'truncated',
  'varint',
  'utf8',
  'string-ref',
  'table-full',
  'op',
  'node',
  'depth',
  'id',
  'sequence',
  'state',
]);

/** Tallies outcomes of decoding hostile bytes. */
class Tally {
  cases = 0;
  byCode = new Map();
  accepted = 0;
  uncaught = [];
  heapPeak = 0;
  /** Decodes `bytes` with `dec` under the hang watchdog; returns the frame or null. Never throws (that is what it counts). */
  decode(dec, bytes, label) {
    this.cases++;
    let frame = null;
    watchdog.enter(bytes);
    try {
      frame = dec.decode(bytes);
      this.accepted++;
    } catch (err) {
      if (err instanceof ProtocolError && CODES.has(err.code)) this.byCode.set(err.code, (this.byCode.get(err.code) ?? 0) + 1);
      else if (this.uncaught.length < 20)
        this.uncaught.push({ label, err: String(err?.stack ?? err), bytes: Buffer.from(bytes.subarray(0, 200)).toString('hex') });
      else this.uncaught.push(null);
    } finally {
      watchdog.leave();
    }
    return frame;
  }
  sampleHeap() {
    const h = process.memoryUsage().heapUsed;
    if (h > this.heapPeak) this.heapPeak = h;
  }
  table(title) {
    this.sampleHeap();
    const rows = [...this.byCode].sort((a, b) => b[1] - a[1]);
    const lines = [`\n${title}`, `| outcome | count |`, `|---|---|`];
    for (const [code, n] of rows) lines.push(`| ProtocolError '${code}' | ${n} |`);
    lines.push(`| accepted (decodes; not committed) | ${this.accepted} |`);
    lines.push(`| uncaught (not a ProtocolError) | ${this.uncaught.length} |`);
    lines.push(
      `cases ${this.cases}, each returned (hang watchdog: ${HANG_S} s); heapUsed peak ${(this.heapPeak / 2 ** 20).toFixed(1)} MiB`,
    );
    return lines.join('\n');
  }
}

/** Sanity of what an accepted (possibly mutated) frame decodes to: the shape the mirror relies on. */
function checkShape(frame) {
  assert.ok(frame.kind === 'snapshot' || frame.kind === 'delta');
  assert.ok(Number.isInteger(frame.seq) && frame.seq >= 0 && frame.seq <= 0xffffffff);
  for (const op of frame.ops) {
    assert.ok(op.op >= 1 && op.op <= 25);
    if (op.op === OpCode.Tree) {
      assert.ok(op.nodes.length > 0);
      op.nodes.forEach((n, i) => {
        assert.ok(i === 0 ? n.parent === -1 : n.parent >= 0 && n.parent < i, 'parents come first');
        assert.ok(Number.isInteger(n.id) && n.id > 0 && n.id <= 0xffffffff, 'node ids in range');
      });
    }
    if ('id' in op && op.op !== OpCode.Focus && op.op !== OpCode.Hover) assert.ok(op.id > 0 && op.id <= 0xffffffff);
  }
}

/** A sharer stream: one encoder, seq, string table in step with the decoder it feeds. */
class Stream {
  constructor(r) {
    this.r = r;
    this.enc = new FrameEncoder();
    this.seq = r.int(1000);
    this.frames = 0;
    this.resetAt = 200 + r.int(600);
  }
  next() {
    const r = this.r;
    let kind = this.frames === 0 || r.chance(0.05) ? 'snapshot' : 'delta';
    if (kind === 'delta') this.seq++;
    if (++this.frames > this.resetAt) {
      // a new viewer state now and then, so the table refills from empty (and snapshots stay small)
      this.enc.resetStrings();
      this.frames = 1;
      this.resetAt = 200 + r.int(600);
      kind = 'snapshot';
      this.fresh = true;
    } else this.fresh = false;
    const frame = randFrame(r, kind, this.seq);
    return { frame, bytes: encodeFrame(frame, this.enc) };
  }
}

test(`decoder fuzz: ${BULK} mutated / random / crafted frames interleaved with a valid stream (seed ${SEED})`, { timeout: 150_000 }, () => {
  const r = prng(SEED);
  const t = new Tally();
  const byMutator = new Map();
  const stream = new Stream(r);
  const dec = new FrameDecoder();
  let valid = 0;
  let lost = 0;
  let prev = null;
  while (t.cases < BULK) {
    const { frame, bytes } = stream.next();
    if (stream.fresh) dec.reset();
    // hostile frames arrive between two valid ones: each must leave the decoder as it was
    for (let k = 1 + r.int(3); k > 0 && t.cases < BULK; k--) {
      let m, label;
      const p = r.int(100);
      if (p < 8) {
        label = 'random bytes';
        m = r.bytes(r.int(r.chance(0.9) ? 64 : 4096));
      } else if (p < 13) {
        label = 'random after a valid header';
        m = concat(Uint8Array.of(1, r.int(2)), Uint8Array.from(uvBytes(r.int(1e6))), r.bytes(r.int(200)));
      } else if (p < 14) {
        label = 'depth bomb';
        m = depthBomb(MAX_DEPTH - 2 + r.int(5) + (r.chance(0.3) ? r.int(100_000) : 0), {
          close: r.chance(0.5),
          header: [1, 1, stream.seq & 0x7f],
        });
      } else {
        label = r.pick(MUTATOR_NAMES);
        m = bytes;
        // one to three mutations stacked
        for (let j = r.chance(0.7) ? 1 : 2 + r.int(2); j > 0; j--) m = MUTATORS[r.pick(MUTATOR_NAMES)](r, m, prev);
        m = MUTATORS[label](r, m, prev);
      }
      byMutator.set(label, (byMutator.get(label) ?? 0) + 1);
      const out = t.decode(dec, m, label);
      if (out) checkShape(out);
    }
    // the valid frame still decodes to exactly what was sent: a rejected frame lost nothing
    try {
      const got = watchdog.watch(bytes, () => dec.decode(bytes));
      assert.deepStrictEqual(got, frame);
      dec.commit();
      valid++;
    } catch (err) {
      lost++;
      if (lost < 3) console.log('valid frame lost after a rejected one:', err);
      dec.reset();
      stream.enc.resetStrings();
      stream.frames = 0;
    }
    prev = bytes;
    if (valid % 1000 === 0) t.sampleHeap();
  }
  t.sampleHeap();
  console.log(t.table(`decoder fuzz, seed ${SEED} (0x${SEED.toString(16)}): ${t.cases} hostile frames, ${valid} valid frames in step`));
  console.log('cases by mutation:', JSON.stringify(Object.fromEntries([...byMutator].sort((a, b) => b[1] - a[1]))));
  if (t.uncaught.length) console.log('uncaught samples:', t.uncaught.filter(Boolean).slice(0, 5));
  assert.equal(t.uncaught.length, 0, 'every rejection is a ProtocolError with a known code');
  assert.equal(lost, 0, 'no valid frame lost after a rejected one');
  assert.ok(t.byCode.size >= 8, `rejections cover most codes (${[...t.byCode.keys()]})`);
});

test('decoder fuzz (fast-check): arbitrary bytes → a frame or a typed ProtocolError', { timeout: 60_000 }, () => {
  const t = new Tally();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, header) => {
      const b = header ? concat(Uint8Array.of(1, bytes[0] & 1), bytes) : bytes;
      const out = t.decode(new FrameDecoder(), b, 'fc bytes');
      if (out) checkShape(out);
      return t.uncaught.length === 0;
    }),
    { numRuns: 10_000, seed: SEED },
  );
  console.log(t.table(`fast-check, arbitrary bytes (fc seed ${SEED})`));
  assert.equal(t.uncaught.length, 0);
});

test('decoder fuzz (fast-check): stacked mutations of valid frames never disturb the stream', { timeout: 60_000 }, () => {
  const t = new Tally();
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.array(fc.record({ m: fc.constantFrom(...MUTATOR_NAMES), s: fc.integer({ min: 0, max: 0x7fffffff }) }), {
        minLength: 1,
        maxLength: 5,
      }),
      (seed, muts) => {
        const r = prng(seed);
        const enc = new FrameEncoder();
        const dec = new FrameDecoder();
        const snap = randFrame(r, 'snapshot', 7);
        dec.decode(encodeFrame(snap, enc));
        dec.commit();
        const one = randFrame(r, 'delta', 8);
        const oneBytes = encodeFrame(one, enc);
        let m = oneBytes;
        for (const { m: name, s } of muts) m = MUTATORS[name](prng(s), m);
        const out = t.decode(dec, m, 'fc mutation');
        if (out) checkShape(out);
        // then the real frame and one more: both exactly as sent
        assert.deepStrictEqual(dec.decode(oneBytes), one);
        dec.commit();
        const two = randFrame(r, 'delta', 9);
        assert.deepStrictEqual(dec.decode(encodeFrame(two, enc)), two);
        return t.uncaught.length === 0;
      },
    ),
    { numRuns: 3_000, seed: SEED },
  );
  console.log(t.table(`fast-check, stacked mutations (fc seed ${SEED})`));
  assert.equal(t.uncaught.length, 0);
});

test('decoder: frames claiming huge sizes are rejected before anything is allocated', () => {
  const H = (...xs) => Uint8Array.from(xs.flat());
  const cases = [
    // [what, bytes, expected code]
    ['string literal of 2^30 - 1 bytes', H(1, 1, 0, OpCode.Meta, uvBytes((2 ** 30 - 1) * 4 + 1)), 'truncated'],
    ['interned string of 2^30 - 1 bytes', H(1, 1, 0, OpCode.Text, 2, uvBytes((2 ** 30 - 1) * 4 + 2)), 'truncated'],
    ['string header over 2^32', H(1, 1, 0, OpCode.Meta, 0x80, 0x80, 0x80, 0x80, 0x10), 'varint'],
    ['preamble of 4,096 strings in 10 bytes', H(1, 0, 0, uvBytes(4096), 5, 0x61), 'truncated'],
    ['preamble of 2^32 - 1 strings', H(1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f), 'table-full'],
    ['SHEET_RULES with 2^32 - 1 rules', H(1, 1, 0, OpCode.SheetRules, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1), 'truncated'],
    ['ADOPT of 2^32 - 1 sheets', H(1, 1, 0, OpCode.Adopt, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 1), 'truncated'],
    ['string ref 2^30 - 1', H(1, 1, 0, OpCode.Meta, uvBytes((2 ** 30 - 1) * 4)), 'string-ref'],
    ['seq of 10 varint bytes', H(1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1), 'varint'],
    [
      'node ids delta-coded past 2^32 - 1',
      H(
        1,
        1,
        0,
        OpCode.Tree,
        1,
        0,
        NodeKind.HtmlElement,
        0xfe,
        0xff,
        0xff,
        0xff,
        0x0f,
        5,
        0x64,
        3,
        0,
        NodeKind.Text,
        0xfe,
        0xff,
        0xff,
        0xff,
        0x0f,
        1,
        0,
        0,
      ),
      'id',
    ],
  ];
  const before = process.memoryUsage();
  const dec = new FrameDecoder();
  const rows = [];
  for (const [what, bytes, code] of cases) {
    let err = null;
    // one watched call for all 2,000: work that grows with the claim (2^30 steps per decode) is caught
    // by the watchdog's 30 s here, where one decode takes microseconds
    watchdog.watch(bytes, () => {
      for (let i = 0; i < 2000; i++) {
        try {
          dec.decode(bytes);
        } catch (e) {
          err = e;
        }
      }
    });
    assert.ok(err instanceof ProtocolError, `${what}: ${err}`);
    assert.equal(err.code, code, what);
    // the claim is refused where it is read: the decoder never reports a place past the frame's end
    assert.ok(err.offset >= 0 && err.offset <= bytes.length, `${what}: rejected at byte ${err.offset} of ${bytes.length}`);
    rows.push(`| ${what} | ${bytes.length} B | '${err.code}' at byte ${err.offset} |`);
  }
  const after = process.memoryUsage();
  const grew = (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
  console.log(
    [
      '\nhuge claimed sizes (2,000 decodes each; time per decode: bench/fuzz-speed.mjs)',
      '| frame | size | rejected as |',
      '|---|---|---|',
      ...rows,
      `heap + array buffers grew ${grew.toFixed(1)} MiB over ${cases.length * 2000} decodes (honouring one claim would take ≥ 1 GiB)`,
    ].join('\n'),
  );
  assert.ok(grew < 64, `memory grew ${grew} MiB`);
});

test('decoder: depth bombs — MAX_DEPTH accepted; one more, or a million never closed, rejected as depth where the limit is crossed', () => {
  const dec = new FrameDecoder();
  const rows = [];
  const HEADER = [1, 1, 0];
  /** Decodes under the watchdog; checks the outcome; returns it. */
  const bomb = (label, bytes, expect) => {
    let out;
    watchdog.enter(bytes);
    try {
      out = dec.decode(bytes);
    } catch (e) {
      out = e;
    } finally {
      watchdog.leave();
    }
    rows.push(
      `| ${label} | ${(bytes.length / 1024).toFixed(0)} KiB | ${out instanceof ProtocolError ? `'${out.code}' at byte ${out.offset}` : 'accepted'} |`,
    );
    if (expect === 'ok') assert.ok(!(out instanceof Error), `${label}: ${out}`);
    else {
      assert.ok(out instanceof ProtocolError, `${label}: ${out}`);
      assert.equal(out.code, expect, label);
    }
    return out;
  };
  bomb(`${MAX_DEPTH} levels, closed`, depthBomb(MAX_DEPTH, { header: HEADER }), 'ok');
  const oneMore = bomb(`${MAX_DEPTH + 1} levels, closed`, depthBomb(MAX_DEPTH + 1, { header: HEADER }), 'depth');
  const million = depthBomb(1_000_000, { close: false, header: HEADER });
  const deep = bomb('1,000,000 levels, never closed', million, 'depth');
  // work is bounded by the limit, not by the frame: it stops where the limit is crossed, as for one level
  // more than allowed, and never reads on through the other 5.9 MB
  assert.equal(deep.offset, oneMore.offset, 'a million levels are refused at the same byte as MAX_DEPTH + 1');
  assert.ok(deep.offset < million.length / 50, `stopped at byte ${deep.offset} of ${million.length}`);
  bomb(`${MAX_DEPTH} levels, never closed`, depthBomb(MAX_DEPTH, { close: false, header: HEADER }), 'truncated');
  // the encoder's own deep tree round-trips
  const tree = { kind: 'delta', seq: 1, ops: [{ op: OpCode.Tree, parent: 5, before: 0, nodes: chainTree(MAX_DEPTH, 10) }] };
  assert.deepStrictEqual(dec.decode(encodeFrame(tree)), tree);
  console.log(['\ndepth bombs (time per decode: bench/fuzz-speed.mjs)', '| frame | size | result |', '|---|---|---|', ...rows].join('\n'));
});
