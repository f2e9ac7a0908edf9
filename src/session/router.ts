/**
 * WebRTC set-up (or the caller's `createTransport`) through a signaling adapter, for every connection
 * of one session. It owns the adapter's `onsignal` and routes each signal by the sender's address to
 * that address' transport.
 *
 * Who dials: a viewer dials the sharer it was invited to; the sharer answers. After a navigation the
 * sharer's next page dials the viewers it had (it has a new address, they do not know it yet). So
 * both sides can dial and both can answer; the secure handshake on top decides who is who.
 *
 * A second offer from an address is either an ICE restart of the same connection (same SDP session
 * id in its `o=` line: the existing transport answers it) or a new connection from a reloaded or
 * reconnecting party (another session id: the old transport is dropped, a new one answers).
 */
import type { Signal, SignalingAdapter } from '../signaling/adapter.js';
import { createPeerTransport, type PeerTransport, type PeerTransportOptions } from '../transport/peer.js';
import type { SignalingSource } from './types.js';

/** The adapter to use, and whether the session made it (then the session closes it). */
export function useSignaling(signaling: SignalingSource): { adapter: SignalingAdapter; owned: boolean } {
  const adapter = typeof signaling === 'function' ? signaling() : signaling;
  if (typeof adapter?.send !== 'function') {
    // the shorthand `{ url, id, token }` of earlier versions lands here: say what to pass instead
    throw new TypeError('signaling: pass a SignalingAdapter, or a function returning one (see the README)');
  }
  return { adapter, owned: adapter !== signaling };
}

const sdpSession = (sdp: string): string => /^o=\S+ (\d+)/m.exec(sdp)?.[1] ?? '';

interface Route {
  peer: PeerTransport;
  /** SDP session id of the other side's offer or answer, once seen. */
  remoteSession: string;
}

export interface RouterOptions {
  /** Evaluated for every new connection when a function (fresh TURN credentials). */
  rtc: RTCConfiguration | (() => RTCConfiguration) | undefined;
  /** Makes each connection (`CommonOptions.createTransport`). Default: WebRTC. */
  createTransport?: (options: PeerTransportOptions) => PeerTransport;
  /** Largest message a transport accepts from the other side. Default: the transport's (64 MiB). */
  maxReceiveSize?: number;
  /** A new connection is offered from `from`: true to answer it. */
  admit(from: string): boolean;
  /** A transport was created for `from` (dialled or answering); attach to it before it opens. */
  onPeer(from: string, peer: PeerTransport): void;
}

export class PeerRouter {
  readonly #routes = new Map<string, Route>();

  constructor(
    private readonly adapter: SignalingAdapter,
    private readonly options: RouterOptions,
  ) {
    adapter.onsignal = (from, signal) => this.#route(from, signal);
  }

  /** A new connection to `to` (any previous one to that address is closed). */
  dial(to: string): PeerTransport {
    return this.#create(to, true);
  }

  /** Stops routing (the transports themselves stay up). */
  detach(): void {
    this.adapter.onsignal = null;
  }

  #create(address: string, initiator: boolean): PeerTransport {
    this.#routes.get(address)?.peer.close();
    const peer = (this.options.createTransport ?? createPeerTransport)({
      initiator,
      config: typeof this.options.rtc === 'function' ? this.options.rtc() : this.options.rtc,
      maxReceiveSize: this.options.maxReceiveSize,
      onsignal: (signal) => {
        try {
          this.adapter.send(address, signal);
        } catch {
          // the adapter is closed or refused: the transport's connect timeout ends this attempt
        }
      },
    });
    // a closed transport's route goes: each page of a navigating sharer has a new address, and a
    // kept route kept that page's whole connection alive (3 listeners and an RTCPeerConnection per
    // page change, found by the residue test). Not through `onclose`: the secure channel takes it over.
    for (const [a, r] of this.#routes) if (r.peer.closed) this.#routes.delete(a);
    this.#routes.set(address, { peer, remoteSession: '' });
    this.options.onPeer(address, peer);
    return peer;
  }

  #route(from: string, signal: Signal): void {
    let route = this.#routes.get(from);
    if (route?.peer.closed) route = undefined; // over: an offer from there is a new connection
    if (signal.type === 'offer') {
      const session = sdpSession(signal.sdp);
      const restart = route && route.remoteSession === session;
      if (!restart) {
        if (!this.options.admit(from)) return;
        this.#create(from, false);
        route = this.#routes.get(from)!;
      }
      route!.remoteSession = session;
    } else if (signal.type === 'answer' && route) {
      route.remoteSession = sdpSession(signal.sdp);
    }
    route?.peer.signal(signal);
  }
}
