// The sharer's DEFLATE encoder (src/secure/deflate.ts: fixed Huffman codes, a sync flush per
// message) on 1000 real frames from our own capture: every message inflates exactly on its own
// (fflate's Inflate stream, and SyncInflate, the viewer's) and the whole stream is valid for an
// independent decoder (the browser's DecompressionStream('deflate-raw')). Then every length and
// distance code, the window's edge, and inputs larger than the window.
import { Inflate } from 'fflate';
import { SyncInflate } from '../src/secure/sync-inflate.js';
import { capture } from '../src/capture/index.js';
import { SyncDeflate } from '../src/secure/deflate.js';
import { assert, assertEqual, describe, it } from './helpers/assert.js';

const nextTask = () => new Promise((r) => setTimeout(r, 0));

async function realFrames(count: number): Promise<Uint8Array[]> {
  const host = document.createElement('div');
  document.body.appendChild(host);
  const frames: Uint8Array[] = [];
  const handle = capture(document, { onFrame: (f) => frames.push(f.slice()) });
  const words = ['order', 'shipped', 'invoice', 'refund', 'cart', 'checkout', 'total', 'delivery'];
  for (let i = 0; frames.length < count; i++) {
    // a mix of what a page does: add list items, edit text, toggle classes and attributes, remove
    const li = document.createElement('li');
    li.className = `row ${words[i % 8]}`;
    li.textContent = `${words[(i * 3) % 8]} #${1000 + i} ${'x'.repeat(i % 40)}`;
    host.appendChild(li);
    if (i % 3 === 0) host.firstElementChild?.classList.toggle('active');
    if (i % 5 === 0) host.setAttribute('data-count', String(i));
    if (i % 7 === 0 && host.children.length > 20) host.firstElementChild!.remove();
    await nextTask();
  }
  handle.stop();
  host.remove();
  return frames.slice(0, count);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Inflates each message's compressed bytes as they come, as the receiver does. Returns how many came back exact. */
function inflateEach(compressed: Uint8Array[], frames: Uint8Array[], ours = false): number {
  let out: Uint8Array[] = [];
  const inf = new Inflate((c) => out.push(c));
  const sync = new SyncInflate();
  let exact = 0;
  compressed.forEach((c, i) => {
    try {
      if (ours) out = sync.push(c);
      else inf.push(c);
      const got = concat(out);
      out = [];
      if (got.length === frames[i]!.length && got.every((b, j) => b === frames[i]![j])) exact++;
    } catch {
      // corrupt stream: counted as not exact
    }
  });
  return exact;
}

async function nativeInflate(stream: Uint8Array): Promise<Uint8Array | string> {
  try {
    const ds = new DecompressionStream('deflate-raw');
    const w = ds.writable.getWriter();
    void w.write(stream as Uint8Array<ArrayBuffer>).catch(() => {});
    void w.close().catch(() => {});
    const chunks: Uint8Array[] = [];
    const r = ds.readable.getReader();
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      chunks.push(value);
    }
    return concat(chunks);
  } catch (err) {
    return String(err);
  }
}

describe('secure channel: the DEFLATE stream (fixed codes, sync flush)', () => {
  let frames: Uint8Array[] = [];

  it('1000 real capture frames: each inflates exactly, and the stream is valid for the browser decoder', async function () {
    this.timeout(60_000);
    frames = await realFrames(1000);
    assertEqual(frames.length, 1000);
    const d = new SyncDeflate();
    const compressed = frames.map((f) => concat([d.push(f), d.flush()]));
    assertEqual(inflateEach(compressed, frames), 1000);
    assertEqual(inflateEach(compressed, frames, true), 1000, "SyncInflate (the receiver's)");
    // the stream ends with a final empty block so a strict decoder accepts its end
    const whole = concat([...compressed, Uint8Array.of(0x03, 0x00)]);
    const native = await nativeInflate(whole);
    assert(native instanceof Uint8Array, `DecompressionStream: ${String(native)}`);
    assertEqual(native, concat(frames));
    const raw = frames.reduce((n, f) => n + f.length, 0);
    const packed = compressed.reduce((n, c) => n + c.length, 0);
    assert(raw / packed > 2, `ratio ${(raw / packed).toFixed(2)}`);
  });

  it('a message the stream has seen before costs a few bytes (history across messages)', () => {
    assert(frames.length === 1000, 'needs the frames of the previous test');
    const big = frames.reduce((a, f) => (f.length > a.length && f.length < 20_000 ? f : a));
    assert(big.length > 200, `largest frame ${big.length} bytes`);
    const d = new SyncDeflate();
    const first = concat([d.push(big), d.flush()]);
    const again = concat([d.push(big), d.flush()]);
    // one or two matches (258 bytes each at most) plus the sync marker
    assert(again.length <= 6 + Math.ceil(big.length / 258) * 3, `again: ${again.length} bytes (first: ${first.length})`);
    assertEqual(inflateEach([first, again], [big, big]), 2);
  });

  it('every length code (3..258) at every distance code (1..32768), and one byte past the window', async () => {
    let x = 99;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24; // imul: a plain product loses its low bits
    const distances = [1, 2, 3, 4, 5, 6, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049];
    distances.push(3073, 4097, 6145, 8193, 12289, 16385, 24577, 32768, 32769);
    const cases: { m: Uint8Array; distance: number }[] = [];
    for (const distance of distances) {
      for (const length of [3, 4, 10, 11, 12, 13, 18, 19, 34, 35, 66, 67, 130, 131, 226, 227, 257, 258, 300]) {
        // `distance` random bytes, then `length` bytes copied from `distance` back: the only match there
        const m = new Uint8Array(distance + length);
        for (let i = 0; i < distance; i++) m[i] = rnd();
        for (let i = distance; i < m.length; i++) m[i] = m[i - distance]!;
        cases.push({ m, distance });
        if (distance > 1024 && length > 3) break; // the big distances need only one length each
      }
    }
    const messages = cases.map((c) => c.m);
    const d = new SyncDeflate();
    const compressed = messages.map((m) => concat([d.push(m), d.flush()]));
    assertEqual(inflateEach(compressed, messages), messages.length);
    const native = await nativeInflate(concat([...compressed, Uint8Array.of(0x03, 0x00)]));
    assert(native instanceof Uint8Array, `DecompressionStream: ${String(native)}`);
    assertEqual(native, concat(messages));
    // the copies were found: a message costs its random part (fixed codes: 8 or 9 bits a byte) and a
    // few bytes for the copy, not the copy's length; past the window (32769) the copy is all literals
    cases.forEach(({ m, distance }, i) => {
      const size = compressed[i]!.length;
      if (distance <= 32768) assert(size <= Math.ceil(1.06 * distance) + 20, `distance ${distance}, ${m.length} bytes → ${size}`);
      else assert(size > m.length, `distance ${distance}: ${size} bytes, yet nothing within reach matches`);
    });
  });

  it('large pushes, flushed at arbitrary points, round-trip (fflate Inflate and SyncInflate fed in pieces, as records arrive)', () => {
    const d = new SyncDeflate();
    let out: Uint8Array[] = [];
    const inf = new Inflate((c) => out.push(c));
    const sync = new SyncInflate();
    let x = 7;
    const rnd = () => (x = (x * 1103515245 + 12345) >>> 0);
    for (let n = 0; n < 60; n++) {
      const size = [0, 1, 5, 70_000, 200_000, 33, 1_000_000, 120][n % 8]!;
      const m = new Uint8Array(size).map(() => (rnd() >>> 28) + 97);
      const c = concat([d.push(m.subarray(0, size >> 1)), d.push(m.subarray(size >> 1)), d.flush()]);
      inf.push(c);
      assertEqual(concat(out), m, `message ${n} (${size} bytes)`);
      out = [];
      // the same bytes cut at random points (a record boundary falls anywhere in a large message)
      const got: Uint8Array[] = [];
      for (let at = 0; at < c.length;) {
        const end = Math.min(c.length, at + 1 + (rnd() % 70_000));
        got.push(...sync.push(c.subarray(at, end)));
        at = end;
      }
      assertEqual(concat(got), m, `SyncInflate, message ${n} (${size} bytes)`);
    }
  });
});
