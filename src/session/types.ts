import type { MaskOptions } from '../capture/mask.js';
import type { CaptureOptions } from '../capture/index.js';
import type { MirrorOptions } from '../mirror/index.js';
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { Transport } from '../transport/transport.js';

/**
 * `connecting` — setting up (signaling, data channel, handshake; for a sharer: waiting for a viewer);
 * `connected` — frames flow (for a sharer: at least one viewer is connected); `reconnecting` — the
 * connection was lost (network change, the sharer's page navigating) and is being restored without
 * anyone's action; `ended` — over for good, with a reason.
 */
export type SessionState = 'connecting' | 'connected' | 'reconnecting' | 'ended';

/**
 * Why a session ended: `stopped` — stop() here; `remote-stopped` — the other side ended it;
 * `unreachable` — the connection was lost and did not come back within `reconnectTimeout`;
 * `transport` — the connection closed under us; `signaling` — the chat/signaling failed before a
 * connection was up; a SecureError code (`wrong-secret`, `tampered`, `timeout`, ...) — the secure
 * channel refused the other side.
 */
export type EndReason = string;

export interface StateChange {
  state: SessionState;
  /** Set when `state` is `ended`. */
  reason?: EndReason;
}

/**
 * What the sharer posts in the chat so a viewer can join: its address on the signaling channel and
 * the invitation secret (base64url) that the session keys are bound to.
 */
export interface Invitation {
  peer: string;
  secret: string;
}

/** Connects to the reference server's PeerJS endpoint (see signaling/PROTOCOL.md). */
export interface SignalingOptions {
  /** The server's base URL, `http(s)://host:port`. */
  url: string;
  /** The peer id and token the chat's `welcome` message gave this party. */
  id: string;
  token: string;
}

interface CommonOptions {
  /** An established channel to run over as is (loopback, WebSocket, ...). One of `transport` and `signaling`. */
  transport?: Transport;
  /** How to set up a WebRTC data channel through the chat. One of `transport` and `signaling`. */
  signaling?: SignalingAdapter | SignalingOptions;
  /**
   * RTCPeerConnection configuration (ICE/TURN servers) for WebRTC. Default: the browser's (no
   * servers). A function is called for every new connection (a reconnection, the next page dialing
   * back): return fresh ephemeral TURN credentials from it, they expire.
   */
  rtc?: RTCConfiguration | (() => RTCConfiguration);
  /** Milliseconds for the secure handshake. Default 10000. */
  handshakeTimeout?: number;
  /**
   * With signaling: milliseconds a lost connection may take to come back (the session is
   * `reconnecting` meanwhile) before it ends with `unreachable`. Default 30000.
   */
  reconnectTimeout?: number;
}

export interface SharingOptions extends CommonOptions {
  /** The document to share. Default: `document`. */
  document?: Document;
  /** What to mask or block before anything leaves this machine. */
  mask?: MaskOptions;
  /** When changes are written (see `capture`). */
  batch?: CaptureOptions['batch'];
  /** The invitation secret (16–64 bytes, or base64url). Default: 16 fresh random bytes. */
  secret?: Uint8Array | string;
  /** Viewers at once; more are refused. Default 8. */
  maxViewers?: number;
  /**
   * With signaling: keep what a later page of this site needs to continue the session
   * (`resumeSharing`) in this tab's sessionStorage. Default true.
   */
  persist?: boolean;
}

export interface ViewingOptions extends CommonOptions {
  /** Where the mirror's iframe goes. */
  container: HTMLElement;
  /** With `signaling`: the sharer's invitation from the chat. With `transport`: its secret is enough. */
  invitation?: Invitation;
  /** With `transport`: the invitation secret. */
  secret?: Uint8Array | string;
  /** Options of the Mirror (scale, cursor, ...). */
  mirror?: Omit<MirrorOptions, 'onError'>;
}

/** One viewer, as the sharer sees it. */
export interface ViewerInfo {
  /** Its signaling address, or `'transport'` for a session over a given transport. */
  id: string;
  /** The 6-digit short authentication code of this viewer's channel: the agent reads theirs aloud. */
  sas: string;
}

export interface Progress {
  received: number;
  total: number;
}
