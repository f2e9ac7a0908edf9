import { CodedError } from '../errors.js';
import type { Transport } from '../transport/transport.js';

/** Which end of the handshake: the viewer starts it (it commits to its key first), the sharer answers. */
export type SecureRole = 'sharer' | 'viewer';

export interface SecureOptions {
  role: SecureRole;
  /**
   * The invitation secret carried in the chat (16–64 bytes). Both ends must hold the same one: the
   * session keys are bound to it, so a party without it cannot complete the handshake.
   */
  secret: Uint8Array;
  /** Milliseconds to wait for the handshake before failing with `SecureError('timeout')`. Default 10000. */
  handshakeTimeout?: number;
  /**
   * Largest message accepted from the other side, in bytes (default 64 MiB). The first record of a
   * message declares its size: a larger one closes the channel with `SecureError('oversized')`
   * before anything is allocated.
   */
  maxMessageSize?: number;
}

export type SecureErrorCode =
  | 'handshake' // a malformed or unexpected handshake message
  | 'wrong-secret' // the other side proved a different invitation secret
  | 'version' // the other side speaks another version of the secure channel
  | 'tampered' // a record failed authentication
  | 'replayed' // a record with a counter already seen
  | 'reordered' // a record with a counter ahead of the next expected one
  | 'truncated' // a record or message shorter than its header says
  | 'oversized' // a message over the limit
  | 'compression' // a record that does not inflate
  | 'timeout'
  | 'closed';

/** The secure channel refused the other side, or could not be set up (see `SecureErrorCode`). */
export class SecureError extends CodedError<SecureErrorCode> {
  override readonly name = 'SecureError';
}

export type { Transport };
