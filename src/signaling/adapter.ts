/**
 * Signaling: how two browsers that want a WebRTC data channel exchange the SDP offer/answer and ICE
 * candidates. Co-browse starts from a chat, so the chat carries them: a site plugs its own chat in by
 * implementing `SignalingAdapter`; `server/` in this repository is a reference server.
 *
 * Addresses are opaque strings (a peer id on the reference server, a participant id in a site's chat).
 * The viewer learns the sharer's address from the invitation the sharer posts in the chat.
 */
import { CodedError } from '../errors.js';

export type Signal = { type: 'offer' | 'answer'; sdp: string } | { type: 'candidate'; candidate: RTCIceCandidateInit };

export interface SignalingAdapter {
  /** This party's own address, once the adapter is connected (`ready` resolved). */
  readonly id: string;
  /** Resolves when signals can be sent and received; rejects with a `SignalingError` if they cannot. */
  readonly ready: Promise<void>;
  /** Sends one signal to the party at `to`. Throws `SignalingError('closed')` after close. */
  send(to: string, signal: Signal): void;
  /** Receives signals addressed to this party. */
  onsignal: ((from: string, signal: Signal) => void) | null;
  /** Called for failures after `ready` (the server went away, a signal was refused, ...). */
  onerror?: ((error: SignalingError) => void) | null;
  /** Stops sending and receiving. Idempotent. Does not end data channels already set up. */
  close(): void;
}

/** Every code a `SignalingError` carries. */
export const SIGNALING_ERROR_CODES = [
  'closed',
  'unreachable',
  'unauthorized',
  'refused',
  'too-large',
  'rate-limited',
  'malformed',
] as const;

export type SignalingErrorCode = (typeof SIGNALING_ERROR_CODES)[number];

/** Signaling failed: the server could not be reached, refused this party, or sent something broken. */
export class SignalingError extends CodedError<SignalingErrorCode> {
  override readonly name = 'SignalingError';
}
