// The sharer's compressor: one raw-DEFLATE stream (RFC 1951) per channel, with a sync flush after each
// message, so later messages are compressed against the history of earlier ones (a 32 KiB window) and
// every message ends on a byte boundary: the viewer inflates it as soon as its bytes arrive (any
// inflater does: the viewer uses fflate's, tests also check the browser's and Node's zlib).
//
// Why our own encoder and not fflate's `Deflate` (the viewer still inflates with fflate): on the
// customer's page it cost 3.3 KB of the sharer core's 40 KB budget, and its `flush` wrote corrupt
// output (fflate#267), which we could only fix by reaching into its minified internals. This encoder
// writes only FIXED Huffman blocks: no code tables to build or send. Measured with zlib on frames from
// our capture (docs/decisions.md): fixed codes compress the deltas exactly as well as dynamic ones (a
// delta's block is too short for a table to pay for itself) and a first snapshot ~13% larger.
//
// LZ77 with hash chains, greedy: at each position the longest earlier match of 3..258 bytes within
// 32 KiB (following at most MAX_CHAIN candidates, stopping at NICE bytes), else a literal.

/** The window: how far back a match may reach (RFC 1951's maximum). */
const WINDOW = 32 * 1024;
/** Input is taken in pieces of this size so that after a slide at least WINDOW - PIECE bytes of history stay. */
const PIECE = 8 * 1024;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** Candidates followed per position: more finds longer matches more slowly (zlib's level 6 follows 128). */
const MAX_CHAIN = 64;
/** A match this long is taken without looking further. */
const NICE = 128;
const HASH_BITS = 15;
const HASH_MASK = (1 << HASH_BITS) - 1;

/** Bit-reversed fixed Huffman codes (DEFLATE writes Huffman codes most significant bit first). */
function reversed(code: number, length: number): number {
  let out = 0;
  for (let i = 0; i < length; i++) out |= ((code >> i) & 1) << (length - 1 - i);
  return out;
}

/** The fixed literal/length code of RFC 1951 3.2.6: symbol → bit-reversed code and its length. */
const LIT_CODE = new Uint16Array(288);
const LIT_BITS = new Uint8Array(288);
for (let s = 0; s < 288; s++) {
  const [base, first, bits] = s < 144 ? [0x30, 0, 8] : s < 256 ? [0x190, 144, 9] : s < 280 ? [0, 256, 7] : [0xc0, 280, 8];
  LIT_BITS[s] = bits;
  LIT_CODE[s] = reversed(base + s - first, bits);
}
/** The fixed distance codes: 5 bits each. */
const DIST_CODE = new Uint8Array(30);
for (let d = 0; d < 30; d++) DIST_CODE[d] = reversed(d, 5);

export class SyncDeflate {
  /** History and input: positions [0, #end) are the stream's last bytes; slides by WINDOW when full. */
  readonly #window = new Uint8Array(2 * WINDOW);
  #end = 0;
  /** Positions (+1, 0 = none) of the latest and the earlier occurrences of each 3-byte hash. */
  readonly #head = new Int32Array(1 << HASH_BITS);
  readonly #prev = new Int32Array(WINDOW);
  /** Positions below this are in the hash chains. */
  #hashed = 0;
  #out = new Uint8Array(1024);
  #outLength = 0;
  /** Bits not yet written as a whole byte, and how many (always < 8 between calls). */
  #bits = 0;
  #bitCount = 0;
  #inBlock = false;
  /** The distance of the match #longestMatch found (a field, not a returned pair: no allocation per byte). */
  #distance = 0;

  /** Adds part of a message; returns the compressed bytes completed so far (possibly none). */
  push(data: Uint8Array): Uint8Array {
    for (let at = 0; at < data.length; at += PIECE) this.#compress(data.subarray(at, Math.min(at + PIECE, data.length)));
    return this.#take();
  }

  /** Ends the current message: everything pushed so far becomes decodable on its own. */
  flush(): Uint8Array {
    if (this.#inBlock) this.#write(LIT_CODE[256]!, LIT_BITS[256]!); // end of the fixed block
    this.#inBlock = false;
    // an empty stored block (BFINAL 0, BTYPE 00), padded to a byte, LEN 0000 NLEN FFFF: the sync marker
    this.#write(0, 3);
    if (this.#bitCount > 0) this.#write(0, 8 - this.#bitCount);
    this.#write(0, 16);
    this.#write(0xffff, 16);
    return this.#take();
  }

  #compress(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.#end + piece.length > this.#window.length) this.#slide();
    const start = this.#end;
    this.#window.set(piece, start);
    const end = (this.#end = start + piece.length);
    if (!this.#inBlock) {
      this.#write(2, 3); // BFINAL 0, BTYPE 01: a block with the fixed codes
      this.#inBlock = true;
    }
    const win = this.#window;
    let p = start;
    while (p < end) {
      this.#hashUpTo(p, end);
      const length = this.#longestMatch(p, end);
      if (length >= MIN_MATCH) {
        this.#lengthAndDistance(length, this.#distance);
        p += length;
      } else {
        this.#write(LIT_CODE[win[p]!]!, LIT_BITS[win[p]!]!);
        p++;
      }
    }
  }

  /** Puts every position below `p` that has 3 bytes after it into the hash chains. */
  #hashUpTo(p: number, end: number): void {
    const win = this.#window;
    const limit = Math.min(p, end - 2);
    for (let q = this.#hashed; q < limit; q++) {
      const h = ((win[q]! << 10) ^ (win[q + 1]! << 5) ^ win[q + 2]!) & HASH_MASK;
      this.#prev[q & (WINDOW - 1)] = this.#head[h]!;
      this.#head[h] = q + 1;
    }
    if (limit > this.#hashed) this.#hashed = limit;
  }

  /** The length of the longest match for position `p` (bytes before `end` only; 0 if none); its distance in #distance. */
  #longestMatch(p: number, end: number): number {
    if (end - p < MIN_MATCH) return 0;
    const win = this.#window;
    const max = Math.min(MAX_MATCH, end - p);
    const h = ((win[p]! << 10) ^ (win[p + 1]! << 5) ^ win[p + 2]!) & HASH_MASK;
    let best = 0;
    let bestDistance = 0;
    let candidate = this.#head[h]! - 1;
    for (let chain = MAX_CHAIN; candidate >= 0 && p - candidate <= WINDOW && chain > 0; chain--) {
      // compare the byte that would make this match longer than the best first: most candidates fail there
      if (win[candidate + best] === win[p + best]) {
        let n = 0;
        while (n < max && win[candidate + n] === win[p + n]) n++;
        if (n > best) {
          best = n;
          bestDistance = p - candidate;
          if (n >= NICE || n === max) break;
        }
      }
      candidate = this.#prev[candidate & (WINDOW - 1)]! - 1;
    }
    this.#distance = bestDistance;
    return best >= MIN_MATCH ? best : 0;
  }

  /** Writes a match: its length symbol (257..285) and extra bits, then its distance code and extra bits. */
  #lengthAndDistance(length: number, distance: number): void {
    const x = length - 3;
    if (length === MAX_MATCH) this.#write(LIT_CODE[285]!, LIT_BITS[285]!);
    else if (x < 8) this.#write(LIT_CODE[257 + x]!, LIT_BITS[257 + x]!);
    else {
      const n = 31 - Math.clz32(x); // 3..7: lengths 11..257 use n - 2 extra bits
      const symbol = 257 + 4 * (n - 1) + ((x >> (n - 2)) & 3);
      this.#write(LIT_CODE[symbol]!, LIT_BITS[symbol]!);
      this.#write(x & ((1 << (n - 2)) - 1), n - 2);
    }
    const y = distance - 1;
    if (y < 4) this.#write(DIST_CODE[y]!, 5);
    else {
      const n = 31 - Math.clz32(y); // 2..14: distances 5..32768 use n - 1 extra bits
      this.#write(DIST_CODE[2 * n + ((y >> (n - 1)) & 1)]!, 5);
      this.#write(y & ((1 << (n - 1)) - 1), n - 1);
    }
  }

  /** Drops the oldest WINDOW bytes; chain positions move with them (those that fall off become 0). */
  #slide(): void {
    this.#window.copyWithin(0, WINDOW, this.#end);
    this.#end -= WINDOW;
    this.#hashed = Math.max(0, this.#hashed - WINDOW);
    for (const table of [this.#head, this.#prev]) {
      for (let i = 0; i < table.length; i++) table[i] = Math.max(0, table[i]! - WINDOW);
    }
  }

  /** Appends `count` (≤ 16) bits of `value`, least significant first. */
  #write(value: number, count: number): void {
    this.#bits |= value << this.#bitCount;
    this.#bitCount += count;
    while (this.#bitCount >= 8) {
      if (this.#outLength === this.#out.length) {
        const grown = new Uint8Array(this.#out.length * 2);
        grown.set(this.#out);
        this.#out = grown;
      }
      this.#out[this.#outLength++] = this.#bits & 0xff;
      this.#bits >>>= 8;
      this.#bitCount -= 8;
    }
  }

  #take(): Uint8Array {
    const bytes = this.#out.slice(0, this.#outLength);
    this.#outLength = 0;
    return bytes;
  }
}
