// Transport building blocks: the in-memory loopback pair and the chunk format.
import { createLoopbackPair } from '../src/transport/loopback.js';
import { DEFAULT_CHUNK_SIZE, Reassembler, chunkMessage } from '../src/transport/chunker.js';
import { TransportError, type TransportCloseReason } from '../src/transport/transport.js';
import { assert, assertEqual, assertThrows, describe, fail, it } from './helpers/assert.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** Deterministic bytes: each test gets the same data every run. */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function expectCode(fn: () => unknown, code: string): void {
  const err = assertThrows(fn, `expected TransportError('${code}')`);
  assert(err instanceof TransportError, `expected a TransportError, got ${String(err)}`);
  assertEqual(err.code, code);
}

describe('transport: loopback pair', () => {
  it('delivers asynchronously, in order, both ways', async () => {
    const [a, b] = createLoopbackPair();
    const atB: number[] = [];
    const atA: number[] = [];
    b.onmessage = (m) => atB.push(m[0]!);
    a.onmessage = (m) => atA.push(m[0]!);
    for (let i = 0; i < 100; i++) a.send(new Uint8Array([i]));
    b.send(new Uint8Array([7]));
    assertEqual(atB.length, 0, 'nothing is delivered inside send()');
    await tick();
    assertEqual(
      atB,
      Array.from({ length: 100 }, (_, i) => i),
    );
    assertEqual(atA, [7]);
  });

  it('delivers a copy: the sender may reuse its buffer, nothing is shared', async () => {
    const [a, b] = createLoopbackPair();
    const got: Uint8Array[] = [];
    b.onmessage = (m) => got.push(m);
    const buf = new Uint8Array([1, 2, 3]);
    a.send(buf);
    assertEqual(a.bufferedAmount, 3, 'bytes in flight');
    buf[0] = 99;
    await tick();
    assertEqual(got[0], new Uint8Array([1, 2, 3]));
    assert(got[0]!.buffer !== buf.buffer, 'the receiver got the sender’s memory');
    assertEqual(a.bufferedAmount, 0);
  });

  it('close: local here, remote there, after the messages already sent; send after close throws', async () => {
    const [a, b] = createLoopbackPair();
    const events: string[] = [];
    b.onmessage = (m) => events.push(`b got ${m[0]}`);
    a.onclose = (r: TransportCloseReason) => events.push(`a ${r}`);
    b.onclose = (r: TransportCloseReason) => events.push(`b ${r}`);
    a.send(new Uint8Array([1]));
    a.close();
    a.close(); // idempotent
    expectCode(() => a.send(new Uint8Array([2])), 'closed');
    await tick();
    assertEqual(events, ['b got 1', 'a local', 'b remote']);
    expectCode(() => b.send(new Uint8Array([3])), 'closed');
    b.close(); // no second onclose
    await tick();
    assertEqual(events.length, 3);
  });

  it('drops messages to a side that has closed', async () => {
    const [a, b] = createLoopbackPair();
    let got = 0;
    a.onmessage = () => got++;
    b.send(new Uint8Array([1]));
    a.close();
    await tick();
    assertEqual(got, 0);
  });
});

describe('transport: chunk format', () => {
  const C = DEFAULT_CHUNK_SIZE;
  // around every boundary: one WHOLE chunk holds C−1 bytes; FIRST holds C−5, MORE C−1
  const sizes = [0, 1, C - 2, C - 1, C, C + 1, 2 * C - 7, 2 * C - 6, 2 * C - 5, 3 * C, 1_000_000, 1 << 20];

  it('round-trips every size around the chunk boundaries', () => {
    const r = new Reassembler();
    for (const n of sizes) {
      const message = bytes(n, n + 1);
      const chunked = chunkMessage(message);
      const expectedCount = n <= C - 1 ? 1 : 1 + Math.ceil((n - (C - 5)) / (C - 1));
      assertEqual(chunked.count, expectedCount, `chunks for ${n} bytes`);
      const progress: [number, number][] = [];
      r.onprogress = (got, total) => progress.push([got, total]);
      let out: Uint8Array | null = null;
      for (let i = 0; i < chunked.count; i++) {
        const chunk = chunked.chunk(i).slice(); // as the channel delivers it: a buffer of its own
        assert(chunk.length <= C && chunk.length > 0, `chunk ${i} of ${n} bytes has ${chunk.length} bytes`);
        assert(out === null, `message of ${n} completed early`);
        out = r.push(chunk);
      }
      assert(out !== null, `message of ${n} bytes did not complete`);
      assert(sameBytes(out, message), `message of ${n} bytes changed`);
      if (chunked.count > 1) {
        for (let i = 1; i < progress.length; i++) assert(progress[i]![0] > progress[i - 1]![0], 'progress not monotonic');
        assertEqual(progress.at(-1), [n, n], 'progress ends at the total');
        assertEqual(progress.length, chunked.count);
      } else {
        assertEqual(progress.length, 0, 'no progress for a single chunk');
      }
      assert(!r.pending);
    }
  });

  it('round-trips with small chunk sizes and random lengths', () => {
    let seed = 7;
    for (let round = 0; round < 300; round++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const chunkSize = 8 + (seed % 40);
      const n = (seed >>> 8) % 400;
      const message = bytes(n, seed);
      const chunked = chunkMessage(message, { chunkSize });
      const r = new Reassembler();
      let out: Uint8Array | null = null;
      for (let i = 0; i < chunked.count; i++) out = r.push(chunked.chunk(i).slice());
      assert(out && sameBytes(out, message), `n=${n} chunkSize=${chunkSize}`);
      assertEqual(chunked.byteLength, n + (chunked.count === 1 ? 1 : 4 + chunked.count));
    }
  });

  it('a WHOLE chunk is 1 header byte + payload, delivered without a copy', () => {
    const chunk = chunkMessage(new Uint8Array([5, 6, 7])).chunk(0);
    assertEqual(chunk, new Uint8Array([0, 5, 6, 7]));
    const out = new Reassembler().push(chunk)!;
    assert(out.buffer === chunk.buffer && out.byteOffset === chunk.byteOffset + 1, 'a view into the chunk');
  });

  it('writes the FIRST header as kind 1 + big-endian u32 total', () => {
    const chunked = chunkMessage(bytes(20), { chunkSize: 8 });
    assertEqual(Array.from(chunked.chunk(0).subarray(0, 5)), [1, 0, 0, 0, 20]);
    assertEqual(chunked.chunk(1)[0], 2);
  });

  it('refuses a chunk size too small for the header', () => {
    assertThrows(() => chunkMessage(new Uint8Array(1), { chunkSize: 4 }));
  });

  it('malformed chunks throw a typed error and the next message still arrives', () => {
    const r = new Reassembler({ maxMessageSize: 1000 });
    const good = chunkMessage(bytes(50), { chunkSize: 16 });
    const firstOfGood = good.chunk(0).slice();
    const cases: [string, Uint8Array[], string][] = [
      ['empty chunk', [new Uint8Array(0)], 'chunk'],
      ['unknown kind', [new Uint8Array([7, 1, 2])], 'chunk'],
      ['MORE without FIRST', [new Uint8Array([2, 1, 2])], 'chunk'],
      ['short FIRST header', [new Uint8Array([1, 0, 0])], 'chunk'],
      ['FIRST longer than its total', [new Uint8Array([1, 0, 0, 0, 1, 9, 9])], 'chunk'],
      ['empty MORE', [firstOfGood, new Uint8Array([2])], 'chunk'],
      ['MORE past the total', [new Uint8Array([1, 0, 0, 0, 3, 9]), new Uint8Array([2, 1, 2, 3])], 'chunk'],
      ['WHOLE inside a message', [firstOfGood, new Uint8Array([0, 1])], 'chunk'],
      ['FIRST inside a message', [firstOfGood, firstOfGood], 'chunk'],
      ['FIRST over the limit', [new Uint8Array([1, 0xff, 0xff, 0xff, 0xff, 1])], 'oversized'],
      ['WHOLE over the limit', [new Uint8Array(1002)], 'oversized'],
    ];
    for (const [name, chunks, code] of cases) {
      let thrown: unknown = null;
      for (const c of chunks) {
        try {
          r.push(c);
        } catch (err) {
          thrown = err;
          break;
        }
      }
      if (!(thrown instanceof TransportError)) fail(`${name}: expected TransportError('${code}'), got ${String(thrown)}`);
      assertEqual(thrown.code, code, name);
      assert(!r.pending, `${name}: the partial message is dropped`);
      // the reassembler is usable again at once
      let out: Uint8Array | null = null;
      for (let i = 0; i < good.count; i++) out = r.push(good.chunk(i).slice());
      assert(out && sameBytes(out, bytes(50)), `${name}: the next message did not arrive`);
    }
  });

  it('rejects an oversized message before allocating it', () => {
    const r = new Reassembler(); // default 64 MiB
    const over = 64 * 1024 * 1024 + 1;
    const err = assertThrows(() => r.push(new Uint8Array([1, over >>> 24, (over >>> 16) & 255, (over >>> 8) & 255, over & 255])));
    assert(err instanceof TransportError && err.code === 'oversized');
  });
});
