// A viewer's first connection to the sharer: whether it ever reached the sharer's page, and why it
// failed when it did not (viewing.ts ends the session with that reason).
import { SecureError } from '../secure/types.js';
import type { PeerTransport } from '../transport/peer.js';
import type { Transport } from '../transport/transport.js';
import type { EndReason } from './types.js';

/**
 * Whether the transport's link ever opened, for a transport that can tell (a WebRTC one); any other
 * transport was handed over open.
 */
export function linkOpened(transport: Transport): () => boolean {
  const link = (transport as Partial<PeerTransport>).connected;
  if (!link) return () => true;
  let opened = false;
  link.then(
    () => (opened = true),
    () => {},
  );
  return () => opened;
}

/**
 * Why a first connection failed: one whose data channel never opened never reached the sharer (a
 * page that is gone, an address nobody holds, a network in between) — `unreachable`, at
 * handshakeTimeout at the latest, not after the channel's own 30 s connect timeout. A sharer that
 * did answer and then failed the handshake keeps the secure channel's code (`timeout`, `wrong-secret`).
 */
export function firstFailure(error: unknown, reached: boolean): EndReason {
  if (!reached) return 'unreachable';
  return error instanceof SecureError ? error.code : 'handshake';
}
