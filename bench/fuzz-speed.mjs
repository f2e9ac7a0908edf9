// Speed of the wire decoders under hostile input: the figures the fuzz tests used to assert
// (test/hardening/fuzz-decoder.test.mjs, fuzz-reassembler.test.mjs now assert behaviour only and keep a
// hang watchdog). Printed, never asserted.
//
//   npx tsc -p tsconfig.json && node bench/fuzz-speed.mjs [--cases 20000] [--seed 1812668453]
//
// 1. decode time of mutated / random frames interleaved with a valid stream (mean, max, the frame size
//    at the max); 2. time per rejection of frames claiming huge sizes; 3. depth bombs; 4. Reassembler
//    push time over mutated chunk streams.
import { FrameDecoder, FrameEncoder, encodeFrame, OpCode, MAX_DEPTH } from '../test/hardening/protocol-src.mjs';
import { Reassembler, chunkMessage } from '../build/transport/chunker.js';
import { prng, randFrame, MUTATORS, MUTATOR_NAMES, depthBomb, uvBytes } from '../test/hardening/fuzz-lib.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const CASES = arg('cases', 20_000);
const SEED = arg('seed', 0x6c0b2025) >>> 0;

/** Runs `fn`, returns its duration in ms (whatever it throws is part of the work). */
function timed(fn) {
  const t0 = performance.now();
  try {
    fn();
  } catch {
    /* a rejected frame is the expected outcome here: only the time counts */
  }
  return performance.now() - t0;
}

function decodeStream() {
  const r = prng(SEED);
  const enc = new FrameEncoder();
  const dec = new FrameDecoder();
  let seq = 1,
    total = 0,
    max = 0,
    maxBytes = 0,
    n = 0,
    prev = null;
  const first = encodeFrame(randFrame(r, 'snapshot', seq), enc);
  dec.decode(first);
  dec.commit();
  while (n < CASES) {
    const bytes = encodeFrame(randFrame(r, 'delta', ++seq), enc);
    const label = r.pick(MUTATOR_NAMES);
    const bad = MUTATORS[label](r, bytes, prev);
    const ms = timed(() => dec.decode(bad));
    n++;
    total += ms;
    if (ms > max) [max, maxBytes] = [ms, bad.length];
    dec.decode(bytes);
    dec.commit();
    prev = bytes;
  }
  console.log(
    `decoder, ${n} mutated frames (seed ${SEED}): mean ${((total / n) * 1000).toFixed(1)} µs, max ${max.toFixed(2)} ms (frame of ${maxBytes} B)`,
  );
}

function hugeClaims() {
  const H = (...xs) => Uint8Array.from(xs.flat());
  const cases = [
    ['string literal of 2^30 - 1 bytes', H(1, 1, 0, OpCode.Meta, uvBytes((2 ** 30 - 1) * 4 + 1))],
    ['preamble of 2^32 - 1 strings', H(1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f)],
    ['SHEET_RULES with 2^32 - 1 rules', H(1, 1, 0, OpCode.SheetRules, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1)],
    ['string ref 2^30 - 1', H(1, 1, 0, OpCode.Meta, uvBytes((2 ** 30 - 1) * 4))],
  ];
  const dec = new FrameDecoder();
  console.log('\n| huge claim | per rejection |\n|---|---|');
  for (const [what, bytes] of cases) {
    const ms = timed(() => {
      for (let i = 0; i < 2000; i++) {
        try {
          dec.decode(bytes);
        } catch {
          /* a rejected frame is the expected outcome here: only the time counts */
        }
      }
    });
    console.log(`| ${what} | ${((ms / 2000) * 1000).toFixed(1)} µs |`);
  }
}

function depthBombs() {
  const dec = new FrameDecoder();
  console.log('\n| depth bomb | size | time |\n|---|---|---|');
  for (const [what, bytes] of [
    [`${MAX_DEPTH} levels, closed`, depthBomb(MAX_DEPTH, { header: [1, 1, 0] })],
    [`${MAX_DEPTH + 1} levels, closed`, depthBomb(MAX_DEPTH + 1, { header: [1, 1, 0] })],
    ['1,000,000 levels, never closed', depthBomb(1_000_000, { close: false, header: [1, 1, 0] })],
  ]) {
    console.log(`| ${what} | ${(bytes.length / 1024).toFixed(0)} KiB | ${timed(() => dec.decode(bytes)).toFixed(1)} ms |`);
  }
}

function reassembler() {
  const r = prng(SEED);
  const re = new Reassembler({ maxMessageSize: 1024 * 1024 });
  let pushes = 0,
    total = 0,
    max = 0;
  for (let n = 0; n < CASES / 4; n++) {
    const m = r.bytes(r.chance(0.8) ? r.int(2000) : r.int(300_000));
    const c = chunkMessage(m, { chunkSize: r.chance(0.5) ? 16_384 : 8 + r.int(2000) });
    const chunks = Array.from({ length: c.count }, (_, i) => c.chunk(i).slice());
    if (r.chance(0.3) && chunks.length > 1) chunks.splice(r.int(chunks.length), 1); // a dropped chunk
    for (const chunk of chunks) {
      const ms = timed(() => re.push(chunk));
      pushes++;
      total += ms;
      max = Math.max(max, ms);
    }
  }
  console.log(`\nreassembler, ${pushes} chunks: mean ${((total / pushes) * 1000).toFixed(1)} µs per push, max ${max.toFixed(2)} ms`);
}

console.log(`fuzz speed (node ${process.version}; printed, not asserted)\n`);
decodeStream();
hugeClaims();
depthBombs();
reassembler();
