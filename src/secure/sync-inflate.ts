// The receiving end of deflate.ts: one raw-DEFLATE stream, inflated a message at a time.
//
// fflate 0.8.3's streaming `Inflate` is correct but slow for many small pushes: before every push it
// asks for 128 KiB of room after its 32 KiB window and, since it keeps the window in a buffer of
// exactly 32 KiB, allocates (and zero-fills) a new ~160 KiB buffer each time. For a DOM delta of 100
// bytes that allocation is nearly all the work: measured 57–70 µs per message in Node and ~1.7 ms in a
// busy renderer (the viewer fell ~300 ms behind a burst of 300 frames; bench/wire.mjs). `SyncInflate`
// hands it one buffer with that room, reused for every message, so a small message allocates only
// its own output (7 µs). A larger message still grows a buffer of its own, which is dropped after it.
// It relies on two internals of fflate 0.8.x's Inflate (`o` window buffer, `s.b` bytes in it);
// `checkInternals` fails loudly at construction if a future release renames them, and
// test/secure-deflate.test.ts round-trips real frames through it.
import { Inflate } from 'fflate';

/** fflate's window, and the room its inflate asks for beyond it (`cbuf(bt + 131072)`). */
const WINDOW = 32768;
const ROOM = WINDOW + 131072 + 32768;

interface InflateInternals {
  /** output buffer: the last WINDOW bytes of output at its start (`s.b` of them) */
  o: Uint8Array;
  s: { b: number };
  push(chunk: Uint8Array, final?: boolean): void;
}

function checkInternals(x: unknown): InflateInternals {
  const i = x as Partial<InflateInternals>;
  if (!(i.o instanceof Uint8Array) || !i.s || typeof i.s.b !== 'number') {
    throw new Error('fflate Inflate internals changed: src/secure/sync-inflate.ts needs updating');
  }
  return i as InflateInternals;
}

export class SyncInflate {
  readonly #i: InflateInternals;
  readonly #room = new Uint8Array(ROOM);
  #out: Uint8Array[] = [];

  constructor() {
    this.#i = checkInternals(new Inflate((chunk) => void this.#out.push(chunk)));
  }

  /** Inflates one sync-flushed part of the stream; returns the output (the pieces, in order). */
  push(data: Uint8Array): Uint8Array[] {
    const i = this.#i;
    // fflate replaced its window buffer with a fresh 32 KiB copy after the last push: move the window
    // into the roomy buffer, so this push writes after it without reallocating
    if (i.o !== this.#room) {
      this.#room.set(i.o.subarray(0, i.s.b));
      i.o = this.#room;
    }
    this.#out = [];
    i.push(data, false);
    return this.#out;
  }
}
