/**
 * A browser client for the reference server's chat (signaling/PROTOCOL.md): text, the co-browse
 * invitation messages, presence, and a `TextChat` whose signals go through the server's
 * `{type:'signal'}` messages, delivered only to their addressee.
 */
import { SignalingError } from './adapter.js';
import { decodeSignalText, type TextChat } from './chat.js';
import { OPEN, closeCodeError, openSocket, parseFrame, wsUrl, type SocketConstructor, type SocketLike } from './socket.js';

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
 * What the customer's `accept` carries: the sharer's peer id and the invitation secret (base64url),
 * and optionally a description of the masking rules (`chat.accept({ ...sharing.invitation, mask })`).
 */
export interface ChatInvitation {
  peer: string;
  secret: string;
  mask?: MaskDescription;
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
  // in the history the secret is left out
  | (Stamped & { type: 'accept'; invitation: { peer: string; secret?: string }; mask?: MaskDescription })
  | (Stamped & { type: 'decline' })
  | (Stamped & { type: 'end'; reason?: string })
  | (Stamped & { type: 'join' })
  | (Stamped & { type: 'leave' });

export type ShareState =
  | { state: 'idle' }
  | { state: 'pending'; by: ChatRole; at: number }
  | { state: 'active'; invitation: ChatInvitation; at: number };

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
   * STUN/TURN servers for this participant, with ephemeral TURN credentials, when the server has them
   * configured: pass as `rtc: { iceServers }`. They expire (see PROTOCOL.md: `GET /api/ice-servers`).
   */
  iceServers?: RTCIceServer[];
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

export interface ReferenceChat {
  readonly welcome: ChatWelcome;
  sendText(text: string): void;
  /** Asks to see the customer's page (agent), or offers to show it (customer). */
  invite(): void;
  /** Customer only: accepts the pending invitation, telling the room where to connect. */
  accept(invitation: ChatInvitation): void;
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
  onaccept: ((event: Extract<ChatEvent, { type: 'accept' }>) => void) | null;
  ondecline: ((event: Extract<ChatEvent, { type: 'decline' }>) => void) | null;
  onend: ((event: Extract<ChatEvent, { type: 'end' }>) => void) | null;
  onjoin: ((event: Extract<ChatEvent, { type: 'join' }>) => void) | null;
  onleave: ((event: Extract<ChatEvent, { type: 'leave' }>) => void) | null;
  onerror: ((error: ReferenceChatError) => void) | null;
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
}

const EVENT_TYPES = new Set(['text', 'invite', 'accept', 'decline', 'end', 'join', 'leave']);
const ERROR_CODES = new Set<string>(['malformed', 'too-large', 'rate-limited', 'unauthorized', 'forbidden', 'conflict', 'unreachable', 'closed']);

/** Connects; resolves once the server's welcome arrived, rejects with a `SignalingError`. */
export function connectReferenceChat(options: ReferenceChatOptions): Promise<ReferenceChat> {
  const url = wsUrl(options.url, '/chat');
  url.searchParams.set('token', options.token);
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
      resolve(createChat(socket, msg as unknown as ChatWelcome));
    };
  });
}

function createChat(socket: SocketLike, welcome: ChatWelcome): ReferenceChat {
  let closed = false;
  const signalChats = new Set<TextChat>();

  const send = (msg: object): void => {
    if (closed || socket.readyState !== OPEN) throw new ReferenceChatError('closed', 'the chat is closed');
    socket.send(JSON.stringify(msg));
  };

  const chat: ReferenceChat = {
    welcome,
    sendText: (text) => send({ type: 'text', text }),
    invite: () => send({ type: 'invite' }),
    accept: (invitation) =>
      send({
        type: 'accept',
        invitation: { peer: invitation.peer, secret: invitation.secret },
        ...(invitation.mask !== undefined && { mask: invitation.mask }),
      }),

    decline: () => send({ type: 'decline' }),
    end: (reason) => send(reason === undefined ? { type: 'end' } : { type: 'end', reason }),
    signalingChat(): TextChat {
      const textChat: TextChat = {
        id: welcome.peer.id,
        post(text: string): void {
          const decoded = decodeSignalText(text);
          // a signal goes to its addressee only; any other text is an ordinary chat message
          if (decoded && decoded !== 'malformed') send({ type: 'signal', to: decoded.to, data: text });
          else send({ type: 'text', text });
        },
        onmessage: null,
      };
      signalChats.add(textChat);
      return textChat;
    },
    close(): void {
      if (closed) return;
      closed = true;
      socket.close(1000);
    },
    onevent: null,
    ontext: null,
    oninvite: null,
    onaccept: null,
    ondecline: null,
    onend: null,
    onjoin: null,
    onleave: null,
    onerror: null,
    onclose: null,
  };

  socket.onmessage = (event) => {
    const msg = parseFrame(event.data);
    if (!msg) return;
    if (msg.type === 'signal') {
      const from = msg.from as ChatParty | undefined;
      if (typeof msg.data === 'string' && from && typeof from.peer === 'string') {
        for (const c of signalChats) c.onmessage?.(from.peer, msg.data);
      }
      return;
    }
    if (msg.type === 'error') {
      const code = typeof msg.code === 'string' && ERROR_CODES.has(msg.code) ? (msg.code as ReferenceChatErrorCode) : 'malformed';
      chat.onerror?.(new ReferenceChatError(code, typeof msg.message === 'string' ? msg.message : code, typeof msg.re === 'string' ? msg.re : undefined));
      return;
    }
    if (typeof msg.type !== 'string' || !EVENT_TYPES.has(msg.type)) return;
    const ev = msg as unknown as ChatEvent;
    chat.onevent?.(ev);
    switch (ev.type) {
      case 'text':
        return chat.ontext?.(ev);
      case 'invite':
        return chat.oninvite?.(ev);
      case 'accept':
        return chat.onaccept?.(ev);
      case 'decline':
        return chat.ondecline?.(ev);
      case 'end':
        return chat.onend?.(ev);
      case 'join':
        return chat.onjoin?.(ev);
      case 'leave':
        return chat.onleave?.(ev);
    }
  };
  socket.onclose = (event) => {
    closed = true;
    chat.onclose?.(event.code, event.reason);
  };
  return chat;
}
