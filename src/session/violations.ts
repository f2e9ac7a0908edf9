/**
 * The rules a viewer's link can break: an oversized or malformed chunk (its peer transport's error)
 * or an oversized message (its secure channel's). A viewer that broke one is dropped at once, never
 * awaited as a lost link: it sent what no viewer sends (limits.ts).
 */
import type { SecureError } from '../secure/types.js';
import type { PeerTransport } from '../transport/peer.js';
import type { Transport, TransportError } from '../transport/transport.js';

export class Violations {
  /** Transports that failed because the viewer broke the rules. */
  readonly #broken = new WeakMap<Transport, TransportError>();

  /** Notes the rule a viewer's peer transport reports broken (an oversized or malformed chunk). */
  watch(peer: PeerTransport): void {
    peer.onerror = (error) => {
      if (error.code === 'oversized' || error.code === 'chunk') this.#broken.set(peer, error);
    };
  }

  /** The rule a viewer broke when its channel closed (`error`: the channel's), or null for a lost link. */
  of(transport: Transport, error: SecureError | null): SecureError | TransportError | null {
    if (error?.code === 'oversized') return error;
    return this.#broken.get(transport) ?? null;
  }
}
