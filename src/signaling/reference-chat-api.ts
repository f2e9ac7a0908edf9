/**
 * What the reference server's chat client offers (server/PROTOCOL.md): the `ReferenceChat`
 * interface, the room's events and participants as the server stamps them, the options, and the
 * error the server's refusals become. The client itself: reference-chat.ts.
 */
import { CodedError } from '../errors.js';
import type { TextChat } from './chat.js';
import type { ReconnectOptions, SocketConstructor } from './socket.js';

export type ChatRole = 'customer' | 'agent';

/** A participant as the server knows it: `peer` is its address for signaling. */
export interface ChatParty {
  role: ChatRole;
  name: string;
  peer: string;
}

/**
 * The masking rules the sharer applies, as the customer's page describes them (the selectors of its
 * `MaskOptions`): relayed to the room with the `accept` and kept in the server's audit log. A
 * description only: masking itself happens on the sharer. The server checks it (at most 32 selectors
 * of 256 characters per list, 2 KB in all) and relays lists as arrays.
 */
export interface MaskDescription {
  text?: string | readonly string[];
  block?: string | readonly string[];
  unmask?: string | readonly string[];
  ignore?: string | readonly string[];
  inputs?: 'all' | 'sensitive' | 'none';
}

/**
 * What the customer's page passes to `accept`: the sharer's peer id and the invitation secret
 * (base64url), and optionally a description of the masking rules
 * (`chat.accept({ ...sharing.invitation, mask })`). The room and the server's history learn the peer
 * id and the mask; the secret goes only to the inviting agent, in a directed `invitation`.
 */
export interface ChatInvitation {
  peer: string;
  secret: string;
  mask?: MaskDescription;
}

/** STUN/TURN servers with short-lived TURN credentials, for the participants of an accepted share. */
export interface IceGrant {
  iceServers: RTCIceServer[];
  /** When the TURN credentials expire, ms since the epoch: refresh with `refreshIce()` before. */
  expiresAt: number;
}

interface Stamped {
  from: ChatParty;
  at: number;
  id: number;
}

/** A room event, as relayed (and kept in the history) by the server. */
export type ChatEvent =
  | (Stamped & { type: 'text'; text: string })
  | (Stamped & { type: 'invite' })
  // the room learns where the sharer is, never the secret; `invitedBy`: the agent whose invite it answers
  | (Stamped & { type: 'accept'; invitation: { peer: string }; invitedBy: ChatParty | null; mask?: MaskDescription })
  | (Stamped & { type: 'decline' })
  | (Stamped & { type: 'end'; reason?: string })
  | (Stamped & { type: 'join' })
  | (Stamped & { type: 'leave' })
  // what happened to remote control, as the customer's page reported it (`control()`)
  | (Stamped & ControlReport);

/**
 * A remote-control event for the room and the audit log (server/PROTOCOL.md, `control`): `viewer`
 * is the agent's peer id, `reason` a short code (`private`, `revoked`, `expired`, ...), `action`
 * (with `refused`) the kind of input refused. Never a value the agent typed: the server refuses
 * any other field.
 */
export interface ControlReport {
  type: 'control';
  event: 'requested' | 'granted' | 'denied' | 'ended' | 'refused';
  viewer: string;
  reason?: string;
  action?: 'move' | 'click' | 'key' | 'scroll' | 'select';
}

/**
 * The invitation, delivered to this viewer only (never to the room, never stored), by the customer's
 * page: the sharer's peer id and the secret. With TURN configured it brings this viewer's servers.
 */
export interface InvitationEvent {
  type: 'invitation';
  invitation: { peer: string; secret: string };
  from: ChatParty;
  at: number;
  iceServers?: RTCIceServer[];
  iceServersExpireAt?: number;
}

/** A late agent asks the customer's page for the invitation (only the customer's connections get it). */
export interface InvitationRequest {
  type: 'request-invitation';
  from: ChatParty;
  at: number;
}

export type ShareState =
  | { state: 'idle' }
  | { state: 'pending'; by: ChatRole; from: ChatParty; at: number }
  | { state: 'active'; invitation: { peer: string }; invitedBy: ChatParty | null; at: number };

export interface ChatWelcome {
  room: string;
  role: ChatRole;
  name: string;
  /** This connection's PeerJS id and token (for `createPeerJsSignaling`). */
  peer: { id: string; token: string };
  participants: ChatParty[];
  history: ChatEvent[];
  share: ShareState;
  limits: { text: number; signal: number };
  /**
   * Only in a customer's welcome while a share is active (a later page of the sharing customer):
   * STUN/TURN servers with short-lived credentials. Otherwise they come with the share (`chat.ice`).
   */
  iceServers?: RTCIceServer[];
  iceServersExpireAt?: number;
}

/** The codes of the server's refusals this client knows (any other reads as `malformed`). */
export const REFERENCE_CHAT_ERROR_CODES = [
  'malformed',
  'too-large',
  'rate-limited',
  'unauthorized',
  'forbidden',
  'conflict',
  'unreachable',
  'closed',
] as const;

export type ReferenceChatErrorCode = (typeof REFERENCE_CHAT_ERROR_CODES)[number];

/** The server refused something this client sent (`re`: the type of the refused message). */
export class ReferenceChatError extends CodedError<ReferenceChatErrorCode> {
  override readonly name = 'ReferenceChatError';
  constructor(
    code: ReferenceChatErrorCode,
    message: string,
    readonly re?: string,
  ) {
    super(code, message);
  }
}

/**
 * `connected`: the chat socket is open. `reconnecting`: it was lost (a server process went away, the
 * network dropped) and the client is dialling again with backoff, keeping its peer id; sending throws
 * meanwhile. `closed`: for good (`close()`, the token expired or the room is gone, or refused as abusive).
 */
export type ChatState = 'connected' | 'reconnecting' | 'closed';

export interface ReferenceChat {
  /** The server's latest welcome: a reconnection brings a new one (same peer id when it was kept). */
  readonly welcome: ChatWelcome;
  readonly state: ChatState;
  /**
   * This participant's STUN/TURN servers, once it takes part in an accepted share (the customer at
   * its accept, an agent with its invitation); null before. Pass as `rtc: () => ({ iceServers })`.
   */
  readonly ice: IceGrant | null;
  sendText(text: string): void;
  /** Asks to see the customer's page (agent), or offers to show it (customer). */
  invite(): void;
  /**
   * Customer only: accepts the pending invitation. The room learns that a share started and where
   * the sharer is; once the server confirmed it, the secret goes to the inviting agent only (when an
   * agent invited: a share the customer offered goes to the agents who `requestInvitation()`).
   */
  accept(invitation: ChatInvitation): void;
  /** Customer only: sends the invitation to one agent (`to`: its peer id), e.g. from `onrequest`. */
  sendInvitation(to: string, invitation: { peer: string; secret: string }): void;
  /** Agent only: asks the customer's page for the invitation of the active share. */
  requestInvitation(): void;
  /**
   * Customer only: this page resumed the active share (`resumeSharing`), so the share's address is
   * now `invitation.peer`: an agent who joins later dials this page, not the one the customer left.
   */
  shareMoved(invitation: { peer: string }): void;
  /** Customer only, during a share: reports a remote-control event to the room and the audit log. */
  control(report: Omit<ControlReport, 'type'>): void;
  /** The participant with this peer id, as the server stamped it, while connected; else undefined. */
  participant(peer: string): ChatParty | undefined;
  /** Fetches fresh STUN/TURN credentials (participants of an accepted share only); updates `ice`. */
  refreshIce(): Promise<IceGrant>;
  decline(): void;
  /** Withdraws a pending invitation or ends the active session. */
  end(reason?: string): void;
  /** A `TextChat` for `createChatSignaling`: its signals travel as the server's signal messages. */
  signalingChat(): TextChat;
  close(): void;
  /** Every room event; the specific callbacks below are called as well. */
  onevent: ((event: ChatEvent) => void) | null;
  ontext: ((event: Extract<ChatEvent, { type: 'text' }>) => void) | null;
  oninvite: ((event: Extract<ChatEvent, { type: 'invite' }>) => void) | null;
  /** A share started (every participant; no secret: a viewer gets that in `oninvitation`). */
  onaccept: ((event: Extract<ChatEvent, { type: 'accept' }>) => void) | null;
  /** Agent: the customer's page sent this viewer the invitation. Start viewing with `event.invitation`. */
  oninvitation: ((event: InvitationEvent) => void) | null;
  /** Customer: an agent asks for the invitation (`event.from`); answer with `sendInvitation` or not at all. */
  onrequest: ((event: InvitationRequest) => void) | null;
  /** New STUN/TURN servers arrived (`chat.ice`). */
  oniceservers: ((grant: IceGrant) => void) | null;
  ondecline: ((event: Extract<ChatEvent, { type: 'decline' }>) => void) | null;
  onend: ((event: Extract<ChatEvent, { type: 'end' }>) => void) | null;
  onjoin: ((event: Extract<ChatEvent, { type: 'join' }>) => void) | null;
  onleave: ((event: Extract<ChatEvent, { type: 'leave' }>) => void) | null;
  oncontrol: ((event: Extract<ChatEvent, { type: 'control' }>) => void) | null;
  onerror: ((error: ReferenceChatError) => void) | null;
  /** `state` changed (lost, reconnecting, back, closed). Missed room events are delivered on return. */
  onstate: ((state: ChatState) => void) | null;
  /** The chat closed for good (not called for a connection that is being re-established). */
  onclose: ((code: number, reason: string) => void) | null;
}

export interface ReferenceChatOptions {
  /** The server base, `http(s)://host:port`. */
  url: string;
  /** A chat token from `POST /api/rooms` (customer) or the agent endpoints. */
  token: string;
  WebSocket?: SocketConstructor | typeof WebSocket;
  /** Milliseconds to wait for the welcome. Default 10000. */
  timeout?: number;
  /** Reconnect by itself when the socket is lost (default true), with this backoff. */
  reconnect?: boolean | ReconnectOptions;
}
