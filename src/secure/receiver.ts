// The receiving half: transport message → open (counter check) → reassemble → inflate → message.
// Every record is checked before anything of it is used, and a message is delivered only whole:
// a rejected record throws a SecureError and nothing of the message it belonged to is delivered.
// Only the sharer compresses (SPEC.md, "Secure channel"): the viewer's receiver is given an
// inflater, the sharer's none, so a compressed record from a viewer is refused and the customer's
// page carries no inflater at all (smaller, and nothing a viewer sends is ever inflated there).
import { DATA_MASK, DataFlag, RecordType } from './framing.js';
import { openRecord } from './record.js';
import { SecureError } from './types.js';
import { readVarint } from './varint.js';

/** One raw-DEFLATE stream, inflated a sync-flushed part at a time (sync-inflate.ts). */
export interface Inflater {
  push(data: Uint8Array): Uint8Array[];
}

export interface ReceiverHandlers {
  message(message: Uint8Array): void;
  progress(received: number, total: number): void;
  /** the other side sent CLOSE */
  close(): void;
}

interface Incoming {
  total: number;
  received: number;
  buffer: Uint8Array;
  deflated: boolean;
  /** more than one record: progress is reported */
  multi: boolean;
}

export class Receiver {
  #expected: number;
  #current: Incoming | null = null;

  constructor(
    private readonly key: Uint8Array,
    firstCounter: number,
    private readonly limit: number,
    private readonly on: ReceiverHandlers,
    /** null: compressed records are refused (the sharer's side) */
    private readonly inflate: Inflater | null,
  ) {
    this.#expected = firstCounter;
  }

  /** Opens one record and reports what it completes. Throws SecureError on any violation. */
  receive(record: Uint8Array): void {
    const plain = openRecord(this.key, this.#expected, record);
    this.#expected++;
    const type = plain[0];
    if (type === RecordType.Close) return this.on.close();
    if (type === undefined || (type & DATA_MASK) !== RecordType.Data) {
      throw new SecureError('handshake', `unexpected record type ${type}`);
    }
    this.#data(type & ~DATA_MASK, plain);
  }

  #data(flags: number, plain: Uint8Array): void {
    let at = 1;
    if (flags & DataFlag.Start) {
      if (this.#current) throw new SecureError('truncated', 'a new message before the last one ended');
      const size = readVarint(plain, 1);
      if (!size) throw new SecureError('truncated', 'record ends inside the message size');
      const total = size[0];
      if (total > this.limit) throw new SecureError('oversized', `message of ${total} bytes, limit ${this.limit}`);
      at = size[1];
      if (flags & DataFlag.Deflate && !this.inflate) {
        throw new SecureError('compression', 'a compressed record from the viewer');
      }
      this.#current = {
        total,
        received: 0,
        buffer: new Uint8Array(total),
        deflated: (flags & DataFlag.Deflate) !== 0,
        multi: (flags & DataFlag.End) === 0,
      };
    }
    const m = this.#current;
    if (!m) throw new SecureError('truncated', 'a message continues that never began');
    const chunk = plain.subarray(at);
    if (m.deflated) {
      let parts: Uint8Array[];
      try {
        parts = this.inflate!.push(chunk);
      } catch (err) {
        throw new SecureError('compression', `record does not inflate: ${(err as Error).message}`);
      }
      for (const part of parts) this.#append(m, part);
    } else {
      this.#append(m, chunk);
    }
    if (!(flags & DataFlag.End)) {
      this.on.progress(m.received, m.total);
      return;
    }
    this.#current = null;
    if (m.received !== m.total) throw new SecureError('truncated', `message of ${m.received} bytes, its header says ${m.total}`);
    // a message of several records ends its progress at (total, total), just before it is delivered
    if (m.multi) this.on.progress(m.received, m.total);
    this.on.message(m.buffer);
  }

  #append(m: Incoming, part: Uint8Array): void {
    if (m.received + part.length > m.total) {
      throw new SecureError('oversized', `message grows past the ${m.total} bytes its header says`);
    }
    m.buffer.set(part, m.received);
    m.received += part.length;
  }
}
