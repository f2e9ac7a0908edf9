import { CodedError } from '../errors.js';

/**
 * The one thing every stage above the network needs: a bidirectional, ordered, reliable channel of
 * binary messages. A WebRTC data channel (see `peer.ts`), an in-memory pair for tests and demos
 * (`loopback.ts`), or anything a site brings (a WebSocket, a postMessage port) fits.
 *
 * A transport carries bytes it is given as they are: encryption is the secure channel's job
 * (src/secure), above it. Messages may be of any size: a transport whose link has a message limit
 * (a data channel's is 256 KiB) splits and reassembles them itself.
 */
export interface Transport {
  /**
   * Queues one message. Throws `TransportError('closed')` after close, and `TransportError('oversized')`
   * only over the transport's own configured maximum (the link's message limit is never the caller's problem).
   */
  send(data: Uint8Array): void;
  /** Receives each message whole, in the order sent. */
  onmessage: ((data: Uint8Array) => void) | null;
  /** Called once when the transport closes, from either side or on failure. */
  onclose?: ((reason: TransportCloseReason) => void) | null;
  /**
   * Called while a large message arrives: bytes of it received so far and its total size.
   * Optional: transports that deliver messages in one piece never call it.
   */
  onprogress?: ((received: number, total: number) => void) | null;
  /**
   * Bytes accepted by `send` and not yet handed to the network. Optional: a sender that produces a
   * lot (a snapshot) waits while this is high instead of filling memory.
   */
  readonly bufferedAmount?: number;
  /** Closes both directions. Idempotent. */
  close(): void;
}

/** Why a transport closed: `'local'` — close() here; `'remote'` — the other side closed; `'error'` — the link failed. */
export type TransportCloseReason = 'local' | 'remote' | 'error';

export type TransportErrorCode = 'closed' | 'chunk' | 'oversized' | 'link';

/** A transport-level failure: a send after close, a malformed chunk, a message over the limit, a broken link. */
export class TransportError extends CodedError<TransportErrorCode> {
  override readonly name = 'TransportError';
}
