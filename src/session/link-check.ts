// A connection that ICE brings back after a network outage may still not carry data for seconds:
// what the sharer sent during the outage sits in SCTP, which retransmits only when its timer fires,
// and that timer backed off while the path was dead. Measured (test/hardening/faults-network.test.mjs): ICE
// connected again ~1 s after the path returned, the queued frames arrived 2–3 s after that. ICE reports
// `disconnected` only after seconds without answers, so any `disconnected` means a real outage. After
// one the viewer asks the link for proof — a ping the sharer must answer, or any message — and if
// none comes it drops the connection: the redial builds a fresh association and brings a fresh
// snapshot (the sharer kept the viewer's place), which is faster than waiting and loses nothing.
import type { PeerTransport } from '../transport/peer.js';
import type { Transport } from '../transport/transport.js';

/** How long the proof may take: a round trip on a working link is a few ms to a few hundred. */
export const PROOF_MS = 800;

export interface LinkCheckHooks {
  /** Sends something the other side answers (a ping). */
  ping(): void;
  /** Messages and records received so far (any kind): the proof is that this grows. */
  arrivals(): number;
  /** No proof came: the link is dropped (the caller redials). */
  stalled(): void;
}

/**
 * Watches a peer transport's ICE state (other transports have no outages to watch). Returns a
 * function that stops watching.
 */
export function watchLink(transport: Transport, hooks: LinkCheckHooks): () => void {
  if (!('restartIce' in transport)) return () => {};
  const peer = transport as PeerTransport;
  const previous = peer.onstatechange;
  let down = false;
  let proof: ReturnType<typeof setTimeout> | undefined;
  peer.onstatechange = (state) => {
    previous?.(state);
    if (state === 'disconnected' || state === 'failed') {
      down = true;
      return;
    }
    if ((state !== 'connected' && state !== 'completed') || !down) return;
    down = false;
    if (proof !== undefined) return;
    const before = hooks.arrivals();
    hooks.ping();
    proof = setTimeout(() => {
      proof = undefined;
      if (hooks.arrivals() === before) hooks.stalled();
    }, PROOF_MS);
  };
  return () => {
    clearTimeout(proof);
    if (peer.onstatechange !== null) peer.onstatechange = previous;
  };
}
