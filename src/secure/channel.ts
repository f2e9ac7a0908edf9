// The open channel: what openSecureChannel resolves to once both sides have confirmed their keys.
// It owns the transport from then on: every failure closes the transport and ends in ONE
// onclose(error); a normal close() sends a sealed CLOSE record first, so the other side can tell a
// goodbye from a cut link (onclose(null) vs onclose(SecureError('closed'))).
import type { Transport } from '../transport/transport.js';
import { RecordType } from './framing.js';
import { Receiver, type Inflater } from './receiver.js';
import { Sender } from './sender.js';
import { SecureError } from './types.js';

/** What the handshake hands over: internal, not part of the public API. */
export interface ChannelParts {
  transport: Transport;
  sas: string;
  resumeSecret: Uint8Array;
  sender: Sender;
  receiveKey: Uint8Array;
  /** counter of the first record after the other side's CONFIRM */
  receiveCounter: number;
  limit: number;
  /** the viewer's: inflates what the sharer compresses; the sharer's is null (receiver.ts) */
  inflater: Inflater | null;
}

/** Rethrows outside our call stack: a throwing handler must not break the channel's state. */
function report(err: unknown): void {
  setTimeout(() => {
    throw err;
  });
}

export class SecureChannel {
  /** 6-digit short authentication string: both people compare it; different codes = a man in the middle. */
  readonly sas: string;
  /** A secret only the two ends of this channel know, for resuming later (SPEC.md, "Keys and SAS"). */
  readonly resumeSecret: Uint8Array;
  /** Called while a message larger than one record arrives: plaintext bytes so far, and the message's size. */
  onprogress: ((received: number, total: number) => void) | null = null;
  /** Called once: null when closed normally (either side's close()), else why the channel failed. */
  onclose: ((error: SecureError | null) => void) | null = null;

  #handler: ((message: Uint8Array) => void) | null = null;
  /** messages that arrived before onmessage was set (they can follow the handshake in the same task) */
  #backlog: Uint8Array[] = [];
  #closed = false;
  readonly #transport: Transport;
  readonly #sender: Sender;
  readonly #receiver: Receiver;

  /** @internal — use openSecureChannel(). */
  constructor(parts: ChannelParts) {
    this.sas = parts.sas;
    this.resumeSecret = parts.resumeSecret;
    this.#transport = parts.transport;
    this.#sender = parts.sender;
    this.#receiver = new Receiver(
      parts.receiveKey,
      parts.receiveCounter,
      parts.limit,
      {
        message: (m) => this.#deliver(m),
        progress: (received, total) => this.#call(() => this.onprogress?.(received, total)),
        close: () => this.#finish(null, false),
      },
      parts.inflater,
    );
    this.#sender.onfail = (err) => this.#finish(new SecureError('closed', `the transport failed: ${String(err)}`), false);
    this.#transport.onmessage = (data) => {
      if (this.#closed) return;
      try {
        this.#receiver.receive(data);
      } catch (err) {
        this.#finish(err instanceof SecureError ? err : new SecureError('handshake', String(err)), false);
      }
    };
    this.#transport.onclose = () => this.#finish(new SecureError('closed', 'the transport closed without a close record'), false);
  }

  /** Called with each message, whole, in the order sent. Messages that arrive before it is set wait for it. */
  get onmessage(): ((message: Uint8Array) => void) | null {
    return this.#handler;
  }
  set onmessage(handler: ((message: Uint8Array) => void) | null) {
    this.#handler = handler;
    if (handler && this.#backlog.length) {
      queueMicrotask(() => {
        while (this.#handler && this.#backlog.length) {
          const m = this.#backlog.shift()!;
          this.#call(() => this.#handler?.(m));
        }
      });
    }
  }

  /**
   * Plaintext bytes accepted by send() and not yet sealed and handed to the transport (an empty message
   * still queued counts 1): 0 once everything sent has been handed over.
   */
  get bufferedAmount(): number {
    return this.#sender.pending;
  }

  /** Sends one message of any size; messages arrive in this order. Throws SecureError('closed') after close. */
  send(message: Uint8Array): void {
    if (this.#closed) throw new SecureError('closed', 'the secure channel is closed');
    this.#sender.send(message);
  }

  /** Closes both directions. Messages still queued (bufferedAmount) are dropped. Idempotent. */
  close(): void {
    this.#finish(null, true);
  }

  #deliver(message: Uint8Array): void {
    if (this.#handler && this.#backlog.length === 0) this.#call(() => this.#handler?.(message));
    else this.#backlog.push(message);
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      report(err);
    }
  }

  #finish(error: SecureError | null, tellOtherSide: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (tellOtherSide) {
      this.#sender.stop();
      this.#sender.final(Uint8Array.of(RecordType.Close));
    } else {
      this.#sender.stop();
    }
    this.#transport.onmessage = null;
    this.#transport.onclose = null;
    try {
      this.#transport.close();
    } catch {
      // already closed: nothing left to release
    }
    this.#call(() => this.onclose?.(error));
  }
}
