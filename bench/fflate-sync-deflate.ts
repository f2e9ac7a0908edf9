// BENCH ONLY: bench/compression.mjs compares it with src/secure/deflate.ts, the sharer's encoder since
// issue 14. fflate's Deflate as one raw-DEFLATE stream with a sync flush after each message (what the
// sharer used before).
//
// fflate 0.8.3's `Deflate.flush(true)` writes the empty stored block one bit too early whenever the
// previous block ended at certain bit positions (upstream issue 101arrowz/fflate#267, fix in PR #286):
// the output is corrupt after a few messages. `flushSync` below replaces the one broken method for
// this stream only, reproducing upstream's flush with the fix. It relies on three internals of fflate
// 0.8.x's Deflate (`s` state, `b` buffer, `p` compress); `checkInternals` fails loudly at
// construction if a future release renames them; the bench checks every message round-trips.
import { Deflate } from 'fflate';

/** The parts of fflate 0.8.x's Deflate that its own flush uses (minified names, stable in 0.8.x). */
interface DeflateInternals {
  /** state: r = bit position in the pending byte (low 3 bits) | that byte's bits << 3; i, w = window indices */
  s: { r?: number; i: number; w: number; l: number };
  b: Uint8Array;
  p(buffer: Uint8Array, final: boolean): void;
  ondata: (chunk: Uint8Array, final: boolean) => void;
}

function checkInternals(d: unknown): DeflateInternals {
  const x = d as Partial<DeflateInternals>;
  if (!x.s || typeof x.s.i !== 'number' || !(x.b instanceof Uint8Array) || typeof x.p !== 'function') {
    throw new Error('fflate Deflate internals changed: src/secure/sync-deflate.ts needs updating');
  }
  return x as DeflateInternals;
}

/**
 * fflate's `Deflate.prototype.flush(true)` with the upstream fix: the empty stored block that
 * byte-aligns the stream starts at bit `(r & 7)`; its 3 header bits (BFINAL=0, BTYPE=00) are zero,
 * then padding to the byte boundary, then LEN=0x0000 NLEN=0xFFFF (the `00 00 FF FF` sync marker).
 * Upstream wrote it at bit `r` (the whole packed state) with only 2 header bits reserved.
 */
function flushSync(d: DeflateInternals): void {
  d.p(d.b, false); // compress everything pushed so far into a non-final block
  d.s.w = d.s.i;
  d.s.i -= 2;
  const r = d.s.r ?? 0;
  const start = (r & 7) + 3; // first bit after the stored block's 3-bit header
  const at = (start + 7) >> 3; // the byte boundary where LEN begins
  const out = new Uint8Array(at + 4);
  out[0] = r >> 3; // the pending partial byte, which the last block left unwritten
  out[at + 2] = 0xff;
  out[at + 3] = 0xff;
  d.s.r = 0;
  d.ondata(out, false);
}

/** A DEFLATE stream that returns, on each call, the compressed bytes produced so far. */
export class SyncDeflate {
  readonly #d: DeflateInternals;
  #chunks: Uint8Array[] = [];
  #size = 0;

  constructor(level = 6) {
    const d = new Deflate({ level: level as 6 }, (chunk) => {
      // fflate may reuse its output buffer between calls: keep a copy
      this.#chunks.push(chunk.slice());
      this.#size += chunk.length;
    });
    this.#d = checkInternals(d);
  }

  /** Adds part of a message; may return some compressed bytes already (or none). */
  push(data: Uint8Array): Uint8Array {
    (this.#d as unknown as Deflate).push(data, false);
    return this.#take();
  }

  /** Ends the current message: everything pushed so far, decodable on its own by the receiver. */
  flush(): Uint8Array {
    flushSync(this.#d);
    return this.#take();
  }

  #take(): Uint8Array {
    const chunks = this.#chunks;
    const size = this.#size;
    this.#chunks = [];
    this.#size = 0;
    if (chunks.length === 1) return chunks[0]!;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
