/**
 * A browser client for the reference server's chat (signaling/PROTOCOL.md): text, the co-browse
 * invitation messages, presence, and a `TextChat` whose signals go through the server's
 * `{type:'signal'}` messages, delivered only to their addressee.
 *
 * The invitation secret never goes to the room: the customer's `accept` tells the room a share
 * started, and the secret travels in directed `invitation` messages to the viewers the customer's page
 * chose (the inviting agent at once; a late agent after `requestInvitation()` and `onrequest`).
 */
import { SignalingError } from './adapter.js';
import { decodeSignalText, type TextChat } from './chat.js';
import { FINAL_CLOSE, OPEN, backoffDelay, retryTimer, closeCodeError, openSocket, parseFrame, wsUrl, type ReconnectOptions, type SocketConstructor, type SocketLike } from './socket.js';

export type { ReconnectOptions };

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
  | (Stamped & { type: 'leave' });

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

export type ReferenceChatErrorCode =
  | 'malformed'
  | 'too-large'
  | 'rate-limited'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'unreachable'
  | 'closed';

/** The server refused something this client sent (`re`: the type of the refused message). */
export class ReferenceChatError extends Error {
  override readonly name = 'ReferenceChatError';
  constructor(readonly code: ReferenceChatErrorCode, message: string, readonly re?: string) {
    super(message);
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

const EVENT_TYPES = new Set(['text', 'invite', 'accept', 'decline', 'end', 'join', 'leave']);
type Accept = Extract<ChatEvent, { type: 'accept' }>;
const ERROR_CODES = new Set<string>(['malformed', 'too-large', 'rate-limited', 'unauthorized', 'forbidden', 'conflict', 'unreachable', 'closed']);

/** Connects; resolves once the server's welcome arrived, rejects with a `SignalingError`. */
export async function connectReferenceChat(options: ReferenceChatOptions): Promise<ReferenceChat> {
  const { socket, welcome } = await openChat(options, null);
  return new ReferenceChatConnection(socket, welcome, options);
}

/**
 * Opens a chat socket and waits for its welcome. `resume`: the peer token of the previous connection,
 * so the server keeps this participant's peer id (signaling/PROTOCOL.md, "Reconnecting").
 */
function openChat(options: ReferenceChatOptions, resume: string | null): Promise<{ socket: SocketLike; welcome: ChatWelcome }> {
  const url = wsUrl(options.url, '/chat');
  url.searchParams.set('token', options.token);
  if (resume) url.searchParams.set('resume', resume);
  return new Promise((resolve, reject) => {
    let socket: SocketLike;
    try {
      socket = openSocket(url.href, options.WebSocket as SocketConstructor | undefined);
    } catch (err) {
      reject(new SignalingError('unreachable', (err as Error).message));
      return;
    }
    const timer = setTimeout(() => {
      socket.close();
      reject(new SignalingError('unreachable', 'no welcome from the chat server in time'));
    }, options.timeout ?? 10_000);
    let refusal: string | null = null;
    socket.onerror = () => {};
    socket.onclose = (event) => {
      clearTimeout(timer);
      const code = refusal !== null ? 'unauthorized' : closeCodeError(event.code, false);
      reject(new SignalingError(code, refusal ?? `the chat server closed the connection (${event.code})`));
    };
    socket.onmessage = (event) => {
      const msg = parseFrame(event.data);
      if (msg?.type === 'error') {
        refusal = typeof msg.message === 'string' ? msg.message : 'refused';
        return;
      }
      if (msg?.type !== 'welcome') return;
      clearTimeout(timer);
      resolve({ socket, welcome: msg as unknown as ChatWelcome });
    };
  });
}

type Handler<T> = ((event: T) => void) | null;

/**
 * A class, not an object literal with closures: rollup 4 tracked the literal's `onerror: null`
 * (and the other handler slots) through `resolve(chat)` as if never reassigned, and dropped every
 * `chat.onerror?.(...)`-style call whose result was unused from the bundles. Instance fields are not
 * tracked that way. test/e2e/reference-chat-bundle.test.mjs checks the built bundles.
 */
class ReferenceChatConnection implements ReferenceChat {
  onevent: Handler<ChatEvent> = null;
  ontext: Handler<Extract<ChatEvent, { type: 'text' }>> = null;
  oninvite: Handler<Extract<ChatEvent, { type: 'invite' }>> = null;
  onaccept: Handler<Accept> = null;
  oninvitation: Handler<InvitationEvent> = null;
  onrequest: Handler<InvitationRequest> = null;
  oniceservers: Handler<IceGrant> = null;
  ondecline: Handler<Extract<ChatEvent, { type: 'decline' }>> = null;
  onend: Handler<Extract<ChatEvent, { type: 'end' }>> = null;
  onjoin: Handler<Extract<ChatEvent, { type: 'join' }>> = null;
  onleave: Handler<Extract<ChatEvent, { type: 'leave' }>> = null;
  onerror: Handler<ReferenceChatError> = null;
  onstate: Handler<ChatState> = null;
  onclose: ((code: number, reason: string) => void) | null = null;

  private current: ChatState = 'connected';
  private userClosed = false;
  private readonly signalChats = new Set<TextChat>();
  private people = new Map<string, ChatParty>();
  /** Who asked for the pending invitation: the inviting agent gets the secret once the accept went through. */
  private inviter: ChatParty | null = null;
  private accepting: { to: ChatParty | null; invitation: { peer: string; secret: string } } | null = null;
  private grant: IceGrant | null = null;
  /** The newest room event id seen: a reconnection replays the history after it. */
  private lastEventId = 0;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private latest: ChatWelcome;

  constructor(
    private socket: SocketLike,
    welcome: ChatWelcome,
    private readonly options: ReferenceChatOptions,
  ) {
    this.latest = welcome;
    this.adopt(socket, welcome);
  }

  get welcome(): ChatWelcome {
    return this.latest;
  }

  get state(): ChatState {
    return this.current;
  }

  /** Takes a (new) socket and its welcome: participants, share and TURN state as the server says now. */
  private adopt(socket: SocketLike, welcome: ChatWelcome): void {
    this.socket = socket;
    this.latest = welcome;
    this.people = new Map(welcome.participants.map((p) => [p.peer, p]));
    this.inviter = welcome.share.state === 'pending' ? welcome.share.from : null;
    if (welcome.iceServers && typeof welcome.iceServersExpireAt === 'number') this.grant = { iceServers: welcome.iceServers, expiresAt: welcome.iceServersExpireAt };
    for (const ev of welcome.history) this.lastEventId = Math.max(this.lastEventId, ev.id);
    socket.onmessage = (event) => this.receive(parseFrame(event.data));
    socket.onclose = (event) => this.lost(event.code, event.reason);
  }

  /** The socket closed: for good (our close, a final code, reconnection off), or dial again with backoff. */
  private lost(code: number, reason: string): void {
    const reconnect = this.options.reconnect ?? true;
    if (this.userClosed || !reconnect || FINAL_CLOSE.has(code)) return this.finish(code, reason);
    this.setState('reconnecting');
    this.retryTimer = retryTimer(() => void this.redial(), backoffDelay(this.attempts++, reconnect));
  }

  private async redial(): Promise<void> {
    const before = this.latest;
    let opened: { socket: SocketLike; welcome: ChatWelcome };
    try {
      opened = await openChat(this.options, before.peer.token);
    } catch (err) {
      if (this.userClosed) return;
      // refused (token expired, room deleted): no point in trying again
      if (err instanceof SignalingError && err.code === 'unauthorized') return this.finish(4401, err.message);
      return this.lost(1006, '');
    }
    if (this.userClosed) return opened.socket.close(1000);
    this.attempts = 0;
    const seen = this.lastEventId;
    this.adopt(opened.socket, opened.welcome);
    this.setState('connected');
    this.replayMissed(opened.welcome.history, seen, before.peer.id);
  }

  /** Room events that happened while the socket was down, in order (not our own return). */
  private replayMissed(history: ChatEvent[], seen: number, formerPeer: string): void {
    for (const ev of history) {
      if (ev.id <= seen) continue;
      if (ev.type === 'join' && (ev.from.peer === this.latest.peer.id || ev.from.peer === formerPeer)) continue;
      this.receive(ev as unknown as Record<string, unknown>);
    }
    this.people = new Map(this.latest.participants.map((p) => [p.peer, p]));
  }

  private finish(code: number, reason: string): void {
    if (this.current === 'closed') return;
    clearTimeout(this.retryTimer);
    this.setState('closed');
    this.onclose?.(code, reason);
  }

  private setState(state: ChatState): void {
    if (this.current === state) return;
    this.current = state;
    this.onstate?.(state);
  }

  get ice(): IceGrant | null {
    return this.grant;
  }

  sendText(text: string): void {
    this.send({ type: 'text', text });
  }

  invite(): void {
    this.send({ type: 'invite' });
  }

  accept(invitation: ChatInvitation): void {
    // the room gets the sharer's address and the mask, never the secret
    this.send({ type: 'accept', invitation: { peer: invitation.peer }, ...(invitation.mask !== undefined && { mask: invitation.mask }) });
    this.accepting = { to: this.inviter?.role === 'agent' ? this.inviter : null, invitation: { peer: invitation.peer, secret: invitation.secret } };
  }

  sendInvitation(to: string, invitation: { peer: string; secret: string }): void {
    this.send({ type: 'invitation', to, invitation: { peer: invitation.peer, secret: invitation.secret } });
  }

  requestInvitation(): void {
    this.send({ type: 'request-invitation' });
  }

  shareMoved(invitation: { peer: string }): void {
    this.send({ type: 'share-moved', invitation: { peer: invitation.peer } });
  }

  participant(peer: string): ChatParty | undefined {
    return this.people.get(peer);
  }

  async refreshIce(): Promise<IceGrant> {
    const grant = await fetchIce(this.options.url, this.welcome.peer.token);
    this.setIce(grant.iceServers, grant.expiresAt);
    return grant;
  }

  decline(): void {
    this.send({ type: 'decline' });
  }

  end(reason?: string): void {
    this.send(reason === undefined ? { type: 'end' } : { type: 'end', reason });
  }

  signalingChat(): TextChat {
    const send = (msg: object): void => this.send(msg);
    const self = this;
    const textChat: TextChat = {
      // the current connection's: kept across reconnections unless the server had to issue a new one
      get id(): string {
        return self.welcome.peer.id;
      },
      post(text: string): void {
        const decoded = decodeSignalText(text);
        // a signal goes to its addressee only; any other text is an ordinary chat message
        if (decoded && decoded !== 'malformed') send({ type: 'signal', to: decoded.to, data: text });
        else send({ type: 'text', text });
      },
      onmessage: null,
    };
    this.signalChats.add(textChat);
    return textChat;
  }

  close(): void {
    if (this.userClosed) return;
    this.userClosed = true;
    if (this.current === 'reconnecting') this.finish(1000, '');
    else this.socket.close(1000);
  }

  private send(msg: object): void {
    if (this.current === 'reconnecting') throw new ReferenceChatError('unreachable', 'the chat is reconnecting: send again when `state` is connected');
    if (this.userClosed || this.current === 'closed' || this.socket.readyState !== OPEN) throw new ReferenceChatError('closed', 'the chat is closed');
    this.socket.send(JSON.stringify(msg));
  }

  private setIce(iceServers: unknown, expiresAt: unknown): void {
    if (!Array.isArray(iceServers) || typeof expiresAt !== 'number') return;
    this.grant = { iceServers: iceServers as RTCIceServer[], expiresAt };
    this.oniceservers?.(this.grant);
  }

  private receive(msg: Record<string, unknown> | null): void {
    if (!msg || this.direct(msg)) return;
    if (typeof msg.type !== 'string' || !EVENT_TYPES.has(msg.type)) return;
    const ev = msg as unknown as ChatEvent;
    if (typeof ev.id === 'number') this.lastEventId = Math.max(this.lastEventId, ev.id);
    this.track(ev);
    if (ev.type === 'accept') this.accepted(ev);
    this.onevent?.(ev);
    switch (ev.type) {
      case 'text':
        return this.ontext?.(ev);
      case 'invite':
        return this.oninvite?.(ev);
      case 'accept':
        return this.onaccept?.(ev);
      case 'decline':
        return this.ondecline?.(ev);
      case 'end':
        return this.onend?.(ev);
      case 'join':
        return this.onjoin?.(ev);
      case 'leave':
        return this.onleave?.(ev);
    }
  }

  /** Directed messages: signals, the invitation, a request for it, TURN servers, refusals. True when handled. */
  private direct(msg: Record<string, unknown>): boolean {
    const from = msg.from as ChatParty | undefined;
    switch (msg.type) {
      case 'signal':
        if (typeof msg.data === 'string' && from && typeof from.peer === 'string') {
          for (const c of this.signalChats) c.onmessage?.(from.peer, msg.data);
        }
        return true;
      case 'invitation': {
        const inv = msg.invitation as { peer?: unknown; secret?: unknown } | undefined;
        if (!from || from.role !== 'customer' || typeof inv?.peer !== 'string' || typeof inv.secret !== 'string') return true;
        this.setIce(msg.iceServers, msg.iceServersExpireAt);
        this.oninvitation?.(msg as unknown as InvitationEvent);
        return true;
      }
      case 'request-invitation':
        if (from && from.role === 'agent') this.onrequest?.(msg as unknown as InvitationRequest);
        return true;
      case 'ice-servers':
        this.setIce(msg.iceServers, msg.expiresAt);
        return true;
      case 'error': {
        const code = typeof msg.code === 'string' && ERROR_CODES.has(msg.code) ? (msg.code as ReferenceChatErrorCode) : 'malformed';
        if (msg.re === 'accept') this.accepting = null;
        this.onerror?.(new ReferenceChatError(code, typeof msg.message === 'string' ? msg.message : code, typeof msg.re === 'string' ? msg.re : undefined));
        return true;
      }
      default:
        return false;
    }
  }

  /** Keeps the participant list and the pending inviter current. */
  private track(ev: ChatEvent): void {
    if (ev.type === 'join') this.people.set(ev.from.peer, ev.from);
    else if (ev.type === 'leave') this.people.delete(ev.from.peer);
    else if (ev.type === 'invite') this.inviter = ev.from;
    else if (ev.type === 'decline' || ev.type === 'end' || ev.type === 'accept') this.inviter = null;
  }

  /** Our own accept came back from the server: now, and only now, the inviting agent gets the secret. */
  private accepted(ev: Accept): void {
    const pending = this.accepting;
    this.accepting = null;
    if (!pending?.to || ev.from.peer !== this.welcome.peer.id || ev.invitation.peer !== pending.invitation.peer) return;
    if (ev.invitedBy?.peer !== pending.to.peer) return; // not the invite we answered
    try {
      this.send({ type: 'invitation', to: pending.to.peer, invitation: pending.invitation });
    } catch {
      // closed meanwhile: the agent asks again with requestInvitation() when it reconnects
    }
  }
}

/** GET /api/ice-servers with this connection's peer token. */
async function fetchIce(baseUrl: string, peerToken: string): Promise<IceGrant> {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/$/, '') + '/api/ice-servers';
  const res = await fetch(url.href, { headers: { authorization: `Bearer ${peerToken}` } });
  const body = (await res.json().catch(() => null)) as { iceServers?: unknown; expiresAt?: unknown; code?: unknown; message?: unknown } | null;
  if (!res.ok || !body || !Array.isArray(body.iceServers) || typeof body.expiresAt !== 'number') {
    const code = res.status === 401 ? 'unauthorized' : res.status === 403 ? 'forbidden' : 'unreachable';
    throw new ReferenceChatError(code, typeof body?.message === 'string' ? body.message : `GET /api/ice-servers: ${res.status}`);
  }
  return { iceServers: body.iceServers as RTCIceServer[], expiresAt: body.expiresAt };
}
