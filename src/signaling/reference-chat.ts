/**
 * A browser client for the reference server's chat (server/PROTOCOL.md): text, the co-browse
 * invitation messages, presence, and a `TextChat` whose signals go through the server's
 * `{type:'signal'}` messages, delivered only to their addressee.
 *
 * The invitation secret never goes to the room: the customer's `accept` tells the room a share
 * started, and the secret travels in directed `invitation` messages to the viewers the customer's page
 * chose (the inviting agent at once; a late agent after `requestInvitation()` and `onrequest`).
 *
 * This file is the chat's API and the room as this client knows it; the socket and its
 * reconnections: reference-chat-link.ts; the checks on what the server sends:
 * reference-chat-messages.ts; the types: reference-chat-api.ts.
 */
import { decodeSignalText, type TextChat } from './chat.js';
import type {
  ChatEvent,
  ChatInvitation,
  ControlReport,
  ChatParty,
  ChatState,
  ChatWelcome,
  IceGrant,
  InvitationEvent,
  InvitationRequest,
  ReferenceChat,
  ReferenceChatError,
  ReferenceChatOptions,
} from './reference-chat-api.js';
import { ChatLink, openChat } from './reference-chat-link.js';
import { asIceGrant, fetchIce, readServerMessage } from './reference-chat-messages.js';
import type { SocketLike } from './socket.js';

// the API's types and error, where they have always been imported from
export * from './reference-chat-api.js';
export type { ReconnectOptions } from './socket.js';

/** Connects; resolves once the server's welcome arrived, rejects with a `SignalingError`. */
export async function connectReferenceChat(options: ReferenceChatOptions): Promise<ReferenceChat> {
  const { socket, welcome } = await openChat(options, null);
  return new ReferenceChatConnection(socket, welcome, options);
}

type Handler<T> = ((event: T) => void) | null;
type Accept = Extract<ChatEvent, { type: 'accept' }>;

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
  oncontrol: Handler<Extract<ChatEvent, { type: 'control' }>> = null;
  onerror: Handler<ReferenceChatError> = null;
  onstate: Handler<ChatState> = null;
  onclose: ((code: number, reason: string) => void) | null = null;

  readonly #link: ChatLink;
  readonly #signalChats = new Set<TextChat>();
  #people = new Map<string, ChatParty>();
  /** Who asked for the pending invitation: the inviting agent gets the secret once the accept went through. */
  #inviter: ChatParty | null = null;
  #accepting: { to: ChatParty | null; invitation: { peer: string; secret: string } } | null = null;
  #grant: IceGrant | null = null;
  /** The newest room event id seen: a reconnection replays the history after it. */
  #lastEventId = 0;

  constructor(
    socket: SocketLike,
    welcome: ChatWelcome,
    private readonly options: ReferenceChatOptions,
  ) {
    this.#adopt(welcome);
    this.#link = new ChatLink(socket, welcome, options, {
      message: (msg) => this.#receive(msg),
      reconnected: (next, before) => {
        const seen = this.#lastEventId;
        this.#adopt(next);
        return () => this.#replayMissed(next, seen, before.peer.id);
      },
      state: (state) => this.onstate?.(state),
      closed: (code, reason) => this.onclose?.(code, reason),
    });
  }

  get welcome(): ChatWelcome {
    return this.#link.welcome;
  }

  get state(): ChatState {
    return this.#link.state;
  }

  get ice(): IceGrant | null {
    return this.#grant;
  }

  sendText(text: string): void {
    this.#link.send({ type: 'text', text });
  }

  invite(): void {
    this.#link.send({ type: 'invite' });
  }

  accept(invitation: ChatInvitation): void {
    // the room gets the sharer's address and the mask, never the secret
    this.#link.send({
      type: 'accept',
      invitation: { peer: invitation.peer },
      ...(invitation.mask !== undefined && { mask: invitation.mask }),
    });
    this.#accepting = {
      to: this.#inviter?.role === 'agent' ? this.#inviter : null,
      invitation: { peer: invitation.peer, secret: invitation.secret },
    };
  }

  sendInvitation(to: string, invitation: { peer: string; secret: string }): void {
    this.#link.send({ type: 'invitation', to, invitation: { peer: invitation.peer, secret: invitation.secret } });
  }

  requestInvitation(): void {
    this.#link.send({ type: 'request-invitation' });
  }

  shareMoved(invitation: { peer: string }): void {
    this.#link.send({ type: 'share-moved', invitation: { peer: invitation.peer } });
  }

  control(report: Omit<ControlReport, 'type'>): void {
    const { event, viewer, reason, action } = report; // exactly these fields: the server refuses any other
    this.#link.send({ type: 'control', event, viewer, ...(reason && { reason }), ...(action && { action }) });
  }

  participant(peer: string): ChatParty | undefined {
    return this.#people.get(peer);
  }

  async refreshIce(): Promise<IceGrant> {
    const grant = await fetchIce(this.options.url, this.welcome.peer.token);
    this.#setIce(grant);
    return grant;
  }

  decline(): void {
    this.#link.send({ type: 'decline' });
  }

  end(reason?: string): void {
    this.#link.send(reason === undefined ? { type: 'end' } : { type: 'end', reason });
  }

  signalingChat(): TextChat {
    const send = (msg: object): void => this.#link.send(msg);
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
    this.#signalChats.add(textChat);
    return textChat;
  }

  close(): void {
    this.#link.close();
  }

  /** A (new) welcome: participants, share and TURN state as the server says now. */
  #adopt(welcome: ChatWelcome): void {
    this.#people = new Map(welcome.participants.map((p) => [p.peer, p]));
    this.#inviter = welcome.share.state === 'pending' ? welcome.share.from : null;
    const grant = asIceGrant(welcome.iceServers, welcome.iceServersExpireAt);
    if (grant) this.#grant = grant;
    for (const ev of welcome.history) this.#lastEventId = Math.max(this.#lastEventId, ev.id);
  }

  /** Room events that happened while the socket was down, in order (not our own return). */
  #replayMissed(welcome: ChatWelcome, seen: number, formerPeer: string): void {
    for (const ev of welcome.history) {
      if (ev.id <= seen) continue;
      if (ev.type === 'join' && (ev.from.peer === welcome.peer.id || ev.from.peer === formerPeer)) continue;
      this.#receive(ev as unknown as Record<string, unknown>);
    }
    this.#people = new Map(welcome.participants.map((p) => [p.peer, p]));
  }

  #setIce(grant: IceGrant): void {
    this.#grant = grant;
    this.oniceservers?.(this.#grant);
  }

  #receive(msg: Record<string, unknown> | null): void {
    const message = readServerMessage(msg);
    switch (message?.type) {
      case 'signal':
        for (const c of this.#signalChats) c.onmessage?.(message.from, message.data);
        return;
      case 'invitation':
        if (message.grant) this.#setIce(message.grant);
        return this.oninvitation?.(message.event);
      case 'request':
        return this.onrequest?.(message.event);
      case 'ice':
        return this.#setIce(message.grant);
      case 'error':
        if (message.error.re === 'accept') this.#accepting = null;
        return this.onerror?.(message.error);
      case 'event':
        return this.#event(message.event);
    }
  }

  /** A room event: the room's state follows it, then the handlers hear of it. */
  #event(ev: ChatEvent): void {
    if (typeof ev.id === 'number') this.#lastEventId = Math.max(this.#lastEventId, ev.id);
    this.#track(ev);
    if (ev.type === 'accept') this.#accepted(ev);
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
      case 'control':
        return this.oncontrol?.(ev);
    }
  }

  /** Keeps the participant list and the pending inviter current. */
  #track(ev: ChatEvent): void {
    if (ev.type === 'join') this.#people.set(ev.from.peer, ev.from);
    else if (ev.type === 'leave') this.#people.delete(ev.from.peer);
    else if (ev.type === 'invite') this.#inviter = ev.from;
    else if (ev.type === 'decline' || ev.type === 'end' || ev.type === 'accept') this.#inviter = null;
  }

  /** Our own accept came back from the server: now, and only now, the inviting agent gets the secret. */
  #accepted(ev: Accept): void {
    const pending = this.#accepting;
    this.#accepting = null;
    if (!pending?.to || ev.from.peer !== this.welcome.peer.id || ev.invitation.peer !== pending.invitation.peer) return;
    if (ev.invitedBy?.peer !== pending.to.peer) return; // not the invite we answered
    try {
      this.#link.send({ type: 'invitation', to: pending.to.peer, invitation: pending.invitation });
    } catch {
      // closed meanwhile: the agent asks again with requestInvitation() when it reconnects
    }
  }
}
