// The sending half: message → DEFLATE stream → records of at most RECORD_MAX → sealed → transport.
// A small message with nothing queued ahead of it goes out synchronously, inside send() (the common
// case: a DOM delta of a few hundred bytes; latency matters). Anything else is queued and worked off
// in slices of SLICE bytes, yielding to the event loop every BUDGET_MS and pausing while the
// transport holds more than HIGH_WATER bytes, so a 20 MB snapshot neither freezes the page nor
// fills memory. Order is kept: the fast path is taken only when the queue is empty.
import type { Transport } from '../transport/transport.js';
import { DataFlag, RecordType } from './framing.js';
import { nextTask, sleep } from '../dom/next-task.js';
import { PAYLOAD_MAX, sealRecord } from './record.js';
import { SyncDeflate } from './deflate.js';
import { varintSize, writeVarint } from './varint.js';

/** Plaintext bytes compressed per step of a large message. */
export const SLICE = 64 * 1024;
/** Work done between two yields to the event loop. */
const BUDGET_MS = 8;
/** Above this many bytes buffered in the transport, wait before producing more. */
export const HIGH_WATER = 1024 * 1024;
/** Below this size a message is sent as is: DEFLATE's flush marker and block header (≈6–8 bytes) would outweigh any gain (measured: scroll deltas of 8 bytes became 13). */
export const MIN_DEFLATE = 32;
/** A record is cut at least this often (in plaintext bytes) so the receiver inflates in bounded steps and can report progress. */
const PLAIN_PER_RECORD = 1024 * 1024;

export class Sender {
  #counter: number;
  /** null: nothing is compressed (the viewer's side: only the sharer compresses, receiver.ts) */
  readonly #deflate: SyncDeflate | null;
  readonly #queue: Uint8Array[] = [];
  #pumping = false;
  #stopped = false;
  /** plaintext bytes accepted by send() and not yet sealed and handed to the transport */
  queued = 0;

  /**
   * What is still to hand to the transport: `queued`, or, with no bytes left but messages queued (an
   * empty one waiting behind a large one), their count — 0 only once every message was handed over
   * (a caller that closes once this is 0 must not lose an empty message; found by the records fuzz).
   */
  get pending(): number {
    return this.queued || this.#queue.length;
  }
  /** Called when the transport throws on send (closed under us). */
  onfail: (err: unknown) => void = () => {};

  constructor(
    private readonly transport: Transport,
    private readonly key: Uint8Array,
    firstCounter: number,
    compress: boolean,
  ) {
    this.#counter = firstCounter;
    this.#deflate = compress ? new SyncDeflate() : null;
  }

  send(message: Uint8Array): void {
    const buffered = this.transport.bufferedAmount ?? 0;
    if (!this.#pumping && this.#queue.length === 0 && message.length <= SLICE && buffered <= HIGH_WATER) {
      new MessageWriter(this, message).step(message.length);
      return;
    }
    // the caller may reuse its buffer once send() returns (capture's encoder does): keep a copy
    this.#queue.push(message.slice());
    this.queued += message.length;
    if (!this.#pumping) void this.#pump();
  }

  /** Seals one record payload with the next counter and hands it to the transport. */
  record(payload: Uint8Array): void {
    if (this.#stopped) return;
    try {
      this.transport.send(sealRecord(this.key, this.#counter++, payload));
    } catch (err) {
      this.stop();
      this.onfail(err);
    }
  }

  /** After stop(): one last record (the sealed CLOSE), when the transport still takes it. */
  final(payload: Uint8Array): void {
    try {
      this.transport.send(sealRecord(this.key, this.#counter++, payload));
    } catch {
      // the transport is gone: the other side learns of the close from it
    }
  }

  /** Drops whatever is queued; nothing more is sent. */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.queued = 0;
  }

  /** Whether messages of MIN_DEFLATE bytes or more are compressed. */
  get compresses(): boolean {
    return this.#deflate !== null;
  }

  compress(data: Uint8Array, end: boolean): Uint8Array {
    const deflate = this.#deflate!;
    const a = deflate.push(data);
    if (!end) return a;
    const b = deflate.flush();
    if (a.length === 0) return b;
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      let since = performance.now();
      while (this.#queue.length && !this.#stopped) {
        const message = this.#queue[0]!;
        const writer = new MessageWriter(this, message);
        while (!writer.done) {
          while ((this.transport.bufferedAmount ?? 0) > HIGH_WATER && !this.#stopped) {
            await sleep(4);
            since = performance.now();
          }
          if (this.#stopped) return;
          const before = writer.offset;
          writer.step(SLICE);
          this.queued -= writer.offset - before;
          if (performance.now() - since > BUDGET_MS) {
            await nextTask();
            since = performance.now();
          }
        }
        this.#queue.shift();
      }
    } finally {
      this.#pumping = false;
    }
  }
}

/** Turns one message into records, SLICE plaintext bytes at a time. */
class MessageWriter {
  offset = 0;
  done = false;
  readonly #deflated: boolean;
  #pending: Uint8Array[] = [];
  #pendingSize = 0;
  #started = false;
  #plainSinceRecord = 0;

  constructor(
    private readonly sender: Sender,
    private readonly message: Uint8Array,
  ) {
    this.#deflated = sender.compresses && message.length >= MIN_DEFLATE;
  }

  /** Consumes up to `max` more plaintext bytes, emitting every record that is complete. */
  step(max: number): void {
    const m = this.message;
    const end = Math.min(m.length, this.offset + max);
    const last = end === m.length;
    const slice = m.subarray(this.offset, end);
    const out = this.#deflated ? this.sender.compress(slice, last) : slice;
    this.#plainSinceRecord += end - this.offset;
    this.offset = end;
    if (out.length) {
      this.#pending.push(out);
      this.#pendingSize += out.length;
    }
    while (this.#pendingSize > PAYLOAD_MAX) this.#emit(PAYLOAD_MAX, false);
    if (last) {
      this.#emit(this.#pendingSize, true);
      this.done = true;
    } else if (this.#plainSinceRecord >= PLAIN_PER_RECORD && this.#pendingSize > 0) {
      this.#emit(this.#pendingSize, false);
    }
  }

  #emit(size: number, end: boolean): void {
    let flags = 0;
    let header = 1;
    if (!this.#started) {
      flags |= DataFlag.Start | (this.#deflated ? DataFlag.Deflate : 0);
      header += varintSize(this.message.length);
    }
    if (end) flags |= DataFlag.End;
    const payload = new Uint8Array(header + size);
    payload[0] = RecordType.Data | flags;
    if (!this.#started) writeVarint(payload, 1, this.message.length);
    this.#take(payload, header, size);
    this.#started = true;
    this.#plainSinceRecord = 0;
    this.sender.record(payload);
  }

  /** Moves `size` pending bytes into `out` at `at`. */
  #take(out: Uint8Array, at: number, size: number): void {
    while (size > 0) {
      const head = this.#pending[0]!;
      const n = Math.min(size, head.length);
      out.set(head.subarray(0, n), at);
      at += n;
      size -= n;
      this.#pendingSize -= n;
      if (n === head.length) this.#pending.shift();
      else this.#pending[0] = head.subarray(n);
    }
  }
}
