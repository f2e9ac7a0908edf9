/**
 * Splitting messages into chunks a data channel accepts, and putting them back together.
 * The format is specified in `src/protocol/SPEC.md` ("Transport chunks"); in short, every chunk starts with one
 * kind byte: WHOLE (a message in one chunk), FIRST (+ u32 total length) and MORE.
 */
import { TransportError } from './transport.js';

export const CHUNK_WHOLE = 0;
export const CHUNK_FIRST = 1;
export const CHUNK_MORE = 2;
/**
 * The initiator's first chunk, alone (one byte, no payload): its data channel is open. Not a message
 * and not for the reassembler: the transport consumes it (peer.ts, why there).
 */
export const CHUNK_READY = 3;

/**
 * Default chunk size, header included. Far below the 256 KiB a Chromium data channel takes because:
 * 16 KiB is the size every WebRTC stack has exchanged without trouble (older Firefox/Safari and
 * libdatachannel peers split or reject larger messages); and the sender's backpressure works in
 * chunk steps, so small steps keep `bufferedAmount` close to its high-water mark and let a frame sent
 * after a big snapshot start moving sooner (no 256 KiB block to drain first). The header costs
 * 1/16384 of the bytes.
 */
export const DEFAULT_CHUNK_SIZE = 16 * 1024;
/** Default limit on one reassembled message: the receiver allocates `total` bytes up front. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

const FIRST_HEADER = 5; // kind + u32 total
const MIN_CHUNK_SIZE = 8; // FIRST needs room for its header and at least some payload

/**
 * One message laid out as its chunks, back to back, in ONE buffer: a chunk is a view into it
 * (`chunk(i)`), so sending costs one allocation and one copy per message whatever its size, and no
 * array of chunks exists. The copy is needed anyway: the caller may reuse its buffer after `send`.
 */
export class ChunkedMessage {
  /** Number of chunks. */
  readonly count: number;
  /** Total bytes of all chunks (what the link will carry). */
  readonly byteLength: number;
  readonly #bytes: Uint8Array<ArrayBuffer>;

  constructor(
    message: Uint8Array,
    private readonly chunkSize: number,
  ) {
    const n = message.length;
    if (n + 1 <= chunkSize) {
      this.count = 1;
      this.#bytes = new Uint8Array(n + 1);
      this.#bytes[0] = CHUNK_WHOLE;
      this.#bytes.set(message, 1);
    } else {
      const first = chunkSize - FIRST_HEADER;
      const more = chunkSize - 1;
      this.count = 1 + Math.ceil((n - first) / more);
      this.#bytes = new Uint8Array(n + FIRST_HEADER + (this.count - 1));
      const b = this.#bytes;
      b[0] = CHUNK_FIRST;
      b[1] = n >>> 24;
      b[2] = (n >>> 16) & 0xff;
      b[3] = (n >>> 8) & 0xff;
      b[4] = n & 0xff;
      b.set(message.subarray(0, first), FIRST_HEADER);
      let src = first;
      let dst = chunkSize;
      while (src < n) {
        b[dst] = CHUNK_MORE;
        const end = Math.min(src + more, n);
        b.set(message.subarray(src, end), dst + 1);
        dst += 1 + (end - src);
        src = end;
      }
    }
    this.byteLength = this.#bytes.length;
  }

  /** Chunk `i` (0-based) as a view: no copy. Chunk i starts at i × chunkSize. */
  chunk(i: number): Uint8Array<ArrayBuffer> {
    const start = i * this.chunkSize;
    return this.#bytes.subarray(start, Math.min(start + this.chunkSize, this.#bytes.length));
  }
}

export interface ChunkOptions {
  /** Bytes per chunk, header included. Default `DEFAULT_CHUNK_SIZE` (16 KiB). */
  chunkSize?: number;
}

/** Splits `message` into chunks of at most `chunkSize` bytes. */
export function chunkMessage(message: Uint8Array, options: ChunkOptions = {}): ChunkedMessage {
  const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(size) || size < MIN_CHUNK_SIZE) throw new RangeError(`chunkSize must be an integer of at least ${MIN_CHUNK_SIZE}`);
  return new ChunkedMessage(message, size);
}

export interface ReassemblerOptions {
  /** Largest message accepted, in bytes. Default `DEFAULT_MAX_MESSAGE_SIZE` (64 MiB). */
  maxMessageSize?: number;
  /** Called after each chunk of a multi-chunk message: bytes of it so far, its total. */
  onprogress?: ((received: number, total: number) => void) | null;
}

/**
 * Puts chunks back together. `push` returns the message a chunk completes, or null. A malformed
 * chunk throws `TransportError('chunk')` and a message over the limit `TransportError('oversized')`;
 * either way the partial message is dropped and the reassembler is ready for the next FIRST/WHOLE
 * chunk (the rest of a dropped message's MORE chunks then also throw 'chunk').
 */
export class Reassembler {
  onprogress: ((received: number, total: number) => void) | null;
  readonly #max: number;
  #buffer: Uint8Array | null = null;
  #received = 0;

  constructor(options: ReassemblerOptions = {}) {
    this.#max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.onprogress = options.onprogress ?? null;
  }

  /** True while a multi-chunk message is partly received. */
  get pending(): boolean {
    return this.#buffer !== null;
  }

  /**
   * Takes one chunk. The message returned may be a view into `chunk` (a WHOLE chunk is not copied):
   * the caller must hand in a buffer it owns, as a data channel's message event does.
   */
  push(chunk: Uint8Array): Uint8Array | null {
    if (chunk.length === 0) return this.#malformed('an empty chunk');
    const kind = chunk[0];
    if (kind === CHUNK_MORE) {
      const buf = this.#buffer;
      if (!buf) return this.#malformed('a MORE chunk without a FIRST');
      const part = chunk.length - 1;
      if (part === 0) return this.#malformed('an empty MORE chunk');
      if (this.#received + part > buf.length) return this.#malformed('chunks longer than the message total');
      buf.set(chunk.subarray(1), this.#received);
      return this.#advance(part);
    }
    if (this.#buffer) return this.#malformed(`a new message (kind ${kind}) before the last one ended`);
    if (kind === CHUNK_WHOLE) {
      if (chunk.length - 1 > this.#max) return this.#oversized(chunk.length - 1);
      return chunk.subarray(1);
    }
    if (kind !== CHUNK_FIRST) return this.#malformed(`unknown chunk kind ${kind}`);
    if (chunk.length < FIRST_HEADER) return this.#malformed('a FIRST chunk shorter than its header');
    const total = ((chunk[1] << 24) | (chunk[2] << 16) | (chunk[3] << 8) | chunk[4]) >>> 0;
    const part = chunk.length - FIRST_HEADER;
    if (total > this.#max) return this.#oversized(total);
    if (part > total) return this.#malformed('a FIRST chunk longer than its message total');
    this.#buffer = new Uint8Array(total); // checked against the limit above: a peer cannot make us allocate more
    this.#buffer.set(chunk.subarray(FIRST_HEADER));
    this.#received = 0;
    return this.#advance(part);
  }

  /** Drops a partial message (the link went away mid-message). */
  reset(): void {
    this.#buffer = null;
    this.#received = 0;
  }

  #advance(part: number): Uint8Array | null {
    const buf = this.#buffer!;
    this.#received += part;
    this.onprogress?.(this.#received, buf.length);
    if (this.#received < buf.length) return null;
    this.reset();
    return buf;
  }

  #malformed(what: string): never {
    this.reset();
    throw new TransportError('chunk', `malformed chunk: ${what}`);
  }

  #oversized(total: number): never {
    this.reset();
    throw new TransportError('oversized', `a message of ${total} bytes is over the limit of ${this.#max}`);
  }
}
