/**
 * Two transports joined in memory: what one sends, the other receives. For tests, demos and
 * benchmarks that want the stages above the network without WebRTC.
 *
 * It behaves like a real link where that matters to callers: delivery is asynchronous (a microtask
 * later, so a handler never runs inside the `send` that caused it), in order, and of a copy (the
 * sender may reuse its buffer at once, and the receiver never shares memory with it). Messages
 * sent before `close()` still arrive before the other side sees `onclose('remote')`. Messages that
 * arrive while `onmessage` is null are held and handed over when a handler is set: the two ends of a
 * loopback are often started one after the other (a sharer, then a viewer), and the first message
 * of a handshake must not vanish into the gap.
 */
import { TransportError, type Transport, type TransportCloseReason } from './transport.js';

class LoopbackTransport implements Transport {
  #handler: ((data: Uint8Array) => void) | null = null;
  #held: Uint8Array[] = [];
  onclose: ((reason: TransportCloseReason) => void) | null = null;
  peer: LoopbackTransport | null = null;
  #closed = false;
  #inFlight = 0;

  get onmessage(): ((data: Uint8Array) => void) | null {
    return this.#handler;
  }

  set onmessage(handler: ((data: Uint8Array) => void) | null) {
    this.#handler = handler;
    if (handler && this.#held.length) queueMicrotask(() => this.#release());
  }

  /** Hands held messages, in order, to the handler (while there is one). */
  #release(): void {
    while (this.#held.length && this.#handler && !this.#closed) this.#handler(this.#held.shift()!);
  }

  #deliver(data: Uint8Array): void {
    if (this.#closed) return;
    if (this.#handler && !this.#held.length) this.#handler(data);
    else this.#held.push(data);
  }

  /** Bytes sent and not yet delivered to the other side. */
  get bufferedAmount(): number {
    return this.#inFlight;
  }

  send(data: Uint8Array): void {
    if (this.#closed) throw new TransportError('closed', 'send after close');
    const copy = data.slice();
    const to = this.peer!;
    this.#inFlight += copy.length;
    queueMicrotask(() => {
      this.#inFlight -= copy.length;
      to.#deliver(copy);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    queueMicrotask(() => this.onclose?.('local'));
    const to = this.peer!;
    // queued after every message already in flight, so those arrive first
    queueMicrotask(() => to.#remoteClosed());
  }

  #remoteClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose?.('remote');
  }
}

/** A connected pair: `a.send(x)` arrives at `b.onmessage` and the other way round. */
export function createLoopbackPair(): [Transport, Transport] {
  const a = new LoopbackTransport();
  const b = new LoopbackTransport();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
