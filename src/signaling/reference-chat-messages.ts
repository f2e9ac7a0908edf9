/**
 * What the reference server sends the chat client (server/PROTOCOL.md), checked before the client
 * acts on it: a message whose shape is not the protocol's is ignored, so a broken or newer server
 * cannot make the client call its handlers with something else than their types say.
 */
import {
  REFERENCE_CHAT_ERROR_CODES,
  ReferenceChatError,
  type ChatEvent,
  type ChatParty,
  type IceGrant,
  type InvitationEvent,
  type InvitationRequest,
  type ReferenceChatErrorCode,
} from './reference-chat-api.js';

/** A server message the client acts on. */
export type ServerMessage =
  /** A room event (relayed to everyone, kept in the history). */
  | { type: 'event'; event: ChatEvent }
  /** A signal for this party's `signalingChat()`s. */
  | { type: 'signal'; from: string; data: string }
  /** The invitation, from the customer's page to this viewer; `grant`: its TURN servers, when sent. */
  | { type: 'invitation'; event: InvitationEvent; grant: IceGrant | null }
  /** An agent asks this customer's page for the invitation. */
  | { type: 'request'; event: InvitationRequest }
  | { type: 'ice'; grant: IceGrant }
  /** The server refused a message of this client. */
  | { type: 'error'; error: ReferenceChatError };

const EVENT_TYPES = new Set(['text', 'invite', 'accept', 'decline', 'end', 'join', 'leave', 'control']);
const ERROR_CODES: ReadonlySet<string> = new Set(REFERENCE_CHAT_ERROR_CODES);

/** What a parsed server message is, or null for one to ignore (unknown, or not shaped as the protocol says). */
export function readServerMessage(msg: Record<string, unknown> | null): ServerMessage | null {
  if (!msg) return null;
  const from = msg.from as ChatParty | undefined;
  switch (msg.type) {
    case 'signal':
      return typeof msg.data === 'string' && from && typeof from.peer === 'string'
        ? { type: 'signal', from: from.peer, data: msg.data }
        : null;
    case 'invitation': {
      const inv = msg.invitation as { peer?: unknown; secret?: unknown } | undefined;
      // only the customer's page hands out the invitation
      if (!from || from.role !== 'customer' || typeof inv?.peer !== 'string' || typeof inv.secret !== 'string') return null;
      return { type: 'invitation', event: msg as unknown as InvitationEvent, grant: asIceGrant(msg.iceServers, msg.iceServersExpireAt) };
    }
    case 'request-invitation':
      return from && from.role === 'agent' ? { type: 'request', event: msg as unknown as InvitationRequest } : null;
    case 'ice-servers': {
      const grant = asIceGrant(msg.iceServers, msg.expiresAt);
      return grant && { type: 'ice', grant };
    }
    case 'error':
      return { type: 'error', error: refusal(msg) };
    default:
      return typeof msg.type === 'string' && EVENT_TYPES.has(msg.type) ? { type: 'event', event: msg as unknown as ChatEvent } : null;
  }
}

/** A refusal as an error: an unknown code is `malformed` (`re`: the type of the refused message). */
function refusal(msg: Record<string, unknown>): ReferenceChatError {
  const code = typeof msg.code === 'string' && ERROR_CODES.has(msg.code) ? (msg.code as ReferenceChatErrorCode) : 'malformed';
  return new ReferenceChatError(
    code,
    typeof msg.message === 'string' ? msg.message : code,
    typeof msg.re === 'string' ? msg.re : undefined,
  );
}

/** STUN/TURN servers and their expiry as the server sends them, or null when either is missing. */
export function asIceGrant(iceServers: unknown, expiresAt: unknown): IceGrant | null {
  if (!Array.isArray(iceServers) || typeof expiresAt !== 'number') return null;
  return { iceServers: iceServers as RTCIceServer[], expiresAt };
}

/** GET /api/ice-servers with this connection's peer token: fresh STUN/TURN credentials. */
export async function fetchIce(baseUrl: string, peerToken: string): Promise<IceGrant> {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/$/, '') + '/api/ice-servers';
  const res = await fetch(url.href, { headers: { authorization: `Bearer ${peerToken}` } });
  const body = (await res.json().catch(() => null)) as { iceServers?: unknown; expiresAt?: unknown; message?: unknown } | null;
  const grant = res.ok && body ? asIceGrant(body.iceServers, body.expiresAt) : null;
  if (grant) return grant;
  const code = res.status === 401 ? 'unauthorized' : res.status === 403 ? 'forbidden' : 'unreachable';
  throw new ReferenceChatError(code, typeof body?.message === 'string' ? body.message : `GET /api/ice-servers: ${res.status}`);
}
