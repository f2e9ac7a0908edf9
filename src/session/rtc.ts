/**
 * WebRTC set-up through a signaling adapter. The viewer dials (it makes the offer), the sharer
 * answers every viewer that dials it: that way any number of viewers can join one sharer, and a
 * viewer needs nothing but the invitation to start.
 */
import { createPeerJsSignaling } from '../signaling/peerjs.js';
import type { Signal, SignalingAdapter } from '../signaling/adapter.js';
import { createPeerTransport, type PeerTransport } from '../transport/peer.js';
import type { SignalingOptions } from './types.js';

/** The adapter to use, and whether the session made it (then the session closes it). */
export function useSignaling(signaling: SignalingAdapter | SignalingOptions): { adapter: SignalingAdapter; owned: boolean } {
  if (typeof (signaling as SignalingAdapter).send === 'function') return { adapter: signaling as SignalingAdapter, owned: false };
  const { url, id, token } = signaling as SignalingOptions;
  return { adapter: createPeerJsSignaling({ url, id, token }), owned: true };
}

/** Viewer side: a data channel to the sharer at `to`. */
export function dial(adapter: SignalingAdapter, to: string, rtc: RTCConfiguration | undefined): PeerTransport {
  const peer = createPeerTransport({ initiator: true, config: rtc, onsignal: (signal) => adapter.send(to, signal) });
  adapter.onsignal = (from, signal) => {
    if (from === to) peer.signal(signal);
  };
  return peer;
}

/**
 * Sharer side: answers each viewer that sends an offer. `admit` decides whether a new viewer may
 * connect (the viewer limit); `onPeer` gets each viewer's transport as soon as it is created, so
 * the caller can attach to it before the channel opens. Returns the live peers by address.
 */
export function answer(
  adapter: SignalingAdapter,
  rtc: RTCConfiguration | undefined,
  admit: (from: string) => boolean,
  onPeer: (from: string, peer: PeerTransport) => void,
): Map<string, PeerTransport> {
  const peers = new Map<string, PeerTransport>();
  adapter.onsignal = (from: string, signal: Signal) => {
    let peer = peers.get(from);
    if (!peer) {
      // a candidate can only follow an offer; a second offer from a known peer renegotiates
      if (signal.type !== 'offer' || !admit(from)) return;
      peer = createPeerTransport({ initiator: false, config: rtc, onsignal: (s) => adapter.send(from, s) });
      peers.set(from, peer);
      onPeer(from, peer);
    }
    peer.signal(signal);
  };
  return peers;
}
