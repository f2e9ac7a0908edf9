// @ts-check
// One chat connection: the welcome, then each client frame checked (rate, size, JSON, shape, role and
// invitation rules) and either relayed to the room, stamped with the sender as the server knows it,
// or answered with {type:'error'}. A refused frame never closes the socket, except for abusers.
import { WebSocket } from 'ws';
import { CLOSE, DEFAULT_LIMITS, createSocketGuard, sendBounded } from './limits.mjs';
import { checkMask } from './mask-summary.mjs';
import { controlEvent } from './control-events.mjs';

/** @typedef {import('./rooms.mjs').Room} Room */
/** @typedef {import('./rooms.mjs').Party} Party */

const SECRET = /^[A-Za-z0-9_-]{22,86}$/; // base64url of 16–64 bytes
// Message ids: unique and increasing across processes and restarts, close enough (ms × 1000 + a count)
let seq = Date.now() * 1000;

class Refusal extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** @param {string} code @param {string} message @returns {never} */
const refuse = (code, message) => {
  throw new Refusal(code, message);
};

/**
 * @param {object} ctx
 * @param {WebSocket} ctx.ws
 * @param {Room} ctx.room
 * @param {import('./tokens.mjs').Claims} ctx.claims
 * @param {import('./rooms.mjs').RoomStore} ctx.store
 * @param {ReturnType<import('./tokens.mjs').createTokens>} ctx.tokens
 * @param {typeof import('./limits.mjs').DEFAULT_LIMITS} ctx.limits
 * @param {number} ctx.peerTtlMs
 * @param {(line: string) => void} ctx.log
 * @param {ReturnType<import('./turn.mjs').createIceServers>} [ctx.ice]  STUN/TURN servers, when configured
 * @param {import('./store/audit-store.mjs').AuditStore | null} [ctx.audit]  where transcripts and audit events go
 * @param {string} [ctx.address]  the client's address, for the audit log
 * @param {string | null} [ctx.resume]  the peer token of this participant's previous connection (`/chat?resume=`)
 */
export async function acceptChatSocket({
  ws,
  room,
  claims,
  store,
  tokens,
  limits,
  peerTtlMs,
  log,
  ice,
  audit = null,
  address = '',
  resume = null,
}) {
  if (store.participants(room).length >= limits.maxMembers) {
    ws.send(JSON.stringify({ type: 'error', code: 'unavailable', message: `this room has ${limits.maxMembers} connections already` }));
    ws.close(CLOSE.roomFull, 'room full');
    return;
  }
  const kept = resumedPeer(room, claims, tokens.verify('peer', resume), store);
  const peer = kept ?? store.issuePeer(room, claims.role);
  // stored before anyone hears of the peer id: another process must know it when it is dialled there
  if (!kept) await store.save(room);
  /** @type {Party} */
  const party = { role: claims.role, name: claims.name, peer };
  const guard = createSocketGuard({ label: `chat ${room.id} ${party.role} ${peer}`, limits, log });
  const send = (/** @type {object} */ msg) => {
    if (ws.readyState === WebSocket.OPEN) sendBounded(ws, JSON.stringify(msg), limits, log, `chat ${room.id} ${party.role} ${peer}`);
  };
  /** `replaced`: a newer connection of the same participant took this one's place (no `leave` for it) */
  const member = {
    party,
    send,
    replaced: false,
    replace: () => ((member.replaced = true), ws.close(CLOSE.replaced, 'replaced by a newer connection')),
  };
  const stamp = (/** @type {object} */ msg) => ({ ...msg, from: party, at: Date.now(), id: ++seq });

  if (ws.readyState !== WebSocket.OPEN) return; // gone while the peer id was stored
  // the same participant back (a lost socket, a server process gone): its old socket here, if the
  // server has not noticed yet that it is dead, gives way without a `leave`
  if (kept) for (const m of [...room.members]) if (m.party.peer === peer) m.replace?.();
  const joined = stamp(kept ? { type: 'join', resumed: true } : { type: 'join' });
  store.broadcast(room, joined);
  audit?.record(
    room.id,
    'participant.joined',
    { ...party, address, ...(kept && { resumed: true }), ...(claims.sub && { identity: identityOf(claims) }) },
    joined.at,
  );
  const participants = store.participants(room).filter((p) => p.peer !== peer);
  store.join(room, member);
  send({
    type: 'welcome',
    room: room.id,
    role: party.role,
    name: party.name,
    peer: {
      id: peer,
      token: tokens.sign('peer', { room: room.id, role: party.role, name: party.name, peer, ...identityClaims(claims) }, peerTtlMs),
    },
    participants: [...participants, party],
    history: room.history,
    share: shareState(room, limits),
    limits: { text: limits.maxTextBytes, signal: limits.maxSignalBytes },
    // TURN only for a participant of an accepted share: here, a customer page opened while sharing
    ...(ice && room.share && party.role === 'customer' && iceGrant(ice, peer, 'iceServers')),
  });

  ws.on('message', (data, isBinary) => {
    const admitted = guard.admit();
    /** @type {string | undefined} the type of the message being handled, echoed as `re` in errors */
    let re;
    try {
      if (!admitted.ok) {
        // one error per rate-limited stretch, not one per dropped frame
        if (admitted.limitedNow)
          send({ type: 'error', code: 'rate-limited', message: `more than ${limits.perSecond} messages a second: slow down` });
        if (guard.strike('rate-limited', 'flood')) ws.close(CLOSE.rateLimited, 'rate-limited');
        return;
      }
      const msg = parse(data, isBinary);
      re = msg.type.slice(0, 32);
      handle(msg);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      send(
        re === undefined
          ? { type: 'error', code: err.code, message: err.message }
          : { type: 'error', code: err.code, message: err.message, re },
      );
      if (guard.strike(err.code, err.message)) ws.close(CLOSE.abuse, 'too many refused messages');
    }
  });

  ws.on('close', () => {
    store.leave(room, member);
    if (member.replaced) return;
    const left = stamp({ type: 'leave' });
    store.broadcast(room, left);
    audit?.record(room.id, 'participant.left', { ...party, address, since: joined.at }, left.at);
  });

  /**
   * Ends `invite` when it is still the room's pending request at its expiry. The room is this
   * process's copy, kept current from the store, so an accept anywhere cancels it. If this process
   * is gone by then, `pendingInvite` still treats it as expired.
   * @param {NonNullable<Room['invite']>} invite
   */
  function expireLater(invite) {
    const timer = setTimeout(() => {
      if (room.invite?.id !== invite.id) return;
      room.invite = null;
      store.save(room);
      // from the request's own sender: it is their request that ended
      const out = { type: 'end', reason: 'expired', from: invite.from, at: Date.now(), id: ++seq };
      store.broadcast(room, out);
      audit?.record(room.id, 'cobrowse.ended', { by: null, reason: 'expired', state: 'pending', session: null }, out.at);
    }, limits.inviteTtlMs);
    timer.unref?.();
  }

  /** @param {import('ws').RawData} data @param {boolean} isBinary */
  function parse(data, isBinary) {
    if (isBinary) throw new Refusal('malformed', 'binary frames are not part of the protocol: send JSON text');
    const size = /** @type {Buffer} */ (data).length;
    if (size > limits.maxSignalBytes + 1024)
      throw new Refusal('too-large', `frame of ${size} bytes: the limit is ${limits.maxSignalBytes + 1024}`);
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      throw new Refusal('malformed', 'not JSON');
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.type !== 'string') {
      throw new Refusal('malformed', 'expected a JSON object with a string `type`');
    }
    if (msg.type !== 'signal' && size > limits.maxControlBytes + limits.maxTextBytes) {
      throw new Refusal('too-large', `a ${msg.type} frame of ${size} bytes is over the limit`);
    }
    return msg;
  }

  /** @param {Record<string, unknown>} msg */
  function handle(msg) {
    switch (msg.type) {
      case 'text': {
        if (typeof msg.text !== 'string' || msg.text.trim() === '')
          throw new Refusal('malformed', 'text: `text` must be a non-empty string');
        const bytes = Buffer.byteLength(msg.text);
        if (bytes > limits.maxTextBytes) throw new Refusal('too-large', `text of ${bytes} bytes: the limit is ${limits.maxTextBytes}`);
        const out = stamp({ type: 'text', text: msg.text });
        store.broadcast(room, out);
        audit?.record(room.id, 'chat.text', { from: party, text: msg.text, msg: out.id }, out.at);
        return;
      }
      case 'invite': {
        if (room.share) throw new Refusal('conflict', 'a co-browse session is already active: `end` it first');
        // one request at a time: a second one stacked two consent prompts that looked like one
        if (pendingInvite(room, limits))
          throw new Refusal('conflict', 'a co-browse request is already pending: wait for the answer, or `end` to withdraw it');
        const out = stamp({ type: 'invite' });
        room.invite = { id: String(out.id), by: party.role, from: party, at: out.at };
        store.save(room);
        store.broadcast(room, out);
        audit?.record(room.id, 'cobrowse.invited', { by: party, invite: out.id }, out.at);
        expireLater(room.invite);
        return;
      }
      case 'accept': {
        if (party.role !== 'customer') throw new Refusal('forbidden', 'only the customer can accept: the customer decides what is shared');
        const invite = pendingInvite(room, limits);
        if (!invite)
          throw new Refusal(
            'conflict',
            'no pending invitation to accept (withdrawn, expired or answered already): `invite` first (a customer-initiated share is invite, then accept)',
          );
        const inv = /** @type {Record<string, unknown> | null} */ (
          msg.invitation && typeof msg.invitation === 'object' ? msg.invitation : null
        );
        if (!inv || typeof inv.peer !== 'string')
          throw new Refusal('malformed', "accept: `invitation` must be { peer }: the sharer's peer id");
        sharerPeer(inv.peer, 'accept: `invitation.peer`');
        let mask;
        try {
          mask = msg.mask === undefined ? undefined : checkMask(msg.mask);
        } catch (err) {
          throw new Refusal('malformed', `accept: ${/** @type {Error} */ (err).message}`);
        }
        room.invite = null;
        const invitedBy = invite.by === 'agent' ? invite.from : null;
        // `invitation.secret`, which older clients sent here, is dropped: never relayed, never kept
        const out = stamp({ type: 'accept', invitation: { peer: inv.peer }, invitedBy, ...(mask && { mask }) });
        room.share = { id: String(out.id), peer: inv.peer, at: out.at, invitedBy, sharers: new Set([inv.peer]), viewers: new Set() };
        store.save(room);
        // the sharer's TURN credentials reach its pages before anyone can dial them
        if (ice)
          for (const m of room.members) if (m.party.role === 'customer') m.send({ type: 'ice-servers', ...iceGrant(ice, m.party.peer) });
        store.broadcast(room, out);
        audit?.record(
          room.id,
          'cobrowse.accepted',
          { by: party, session: out.id, sharer: inv.peer, invitedBy: invite.by, mask: mask ?? null },
          out.at,
        );
        return;
      }
      case 'invitation':
        return sendInvitation(msg);
      case 'request-invitation':
        return requestInvitation();
      case 'share-moved':
        return shareMoved(msg);
      case 'control':
        return controlEvent(msg, { party, room, store, audit, stamp, refuse });
      case 'decline': {
        if (!pendingInvite(room, limits))
          throw new Refusal('conflict', 'no pending invitation to decline (withdrawn, expired or answered already)');
        if (room.invite?.by === party.role)
          throw new Refusal('forbidden', 'you cannot decline your own invitation: send `end` to withdraw it');
        room.invite = null;
        store.save(room);
        const out = stamp({ type: 'decline' });
        store.broadcast(room, out);
        audit?.record(room.id, 'cobrowse.declined', { by: party }, out.at);
        return;
      }
      case 'end': {
        if (msg.reason !== undefined && (typeof msg.reason !== 'string' || msg.reason.length > 200)) {
          throw new Refusal('malformed', 'end: `reason` must be a string of at most 200 characters');
        }
        if (!room.invite && !room.share) throw new Refusal('conflict', 'nothing to end: no pending invitation, no active session');
        const ended = room.share ? { state: 'active', session: Number(room.share.id) } : { state: 'pending', session: null };
        room.invite = null;
        room.share = null;
        store.save(room);
        const out = stamp(msg.reason ? { type: 'end', reason: msg.reason } : { type: 'end' });
        store.broadcast(room, out);
        audit?.record(room.id, 'cobrowse.ended', { by: party, reason: msg.reason ?? null, ...ended }, out.at);
        return;
      }
      case 'signal': {
        if (typeof msg.to !== 'string' || typeof msg.data !== 'string')
          throw new Refusal('malformed', 'signal: `to` and `data` must be strings');
        const bytes = Buffer.byteLength(msg.data);
        if (bytes > limits.maxSignalBytes)
          throw new Refusal('too-large', `signal of ${bytes} bytes: the limit is ${limits.maxSignalBytes}`);
        const target = store.peer(msg.to);
        if (!target || target.room !== room.id) throw new Refusal('forbidden', `signal: ${msg.to} is not a participant of this room`);
        const out = { type: 'signal', to: msg.to, data: msg.data, from: party, at: Date.now() };
        if (!store.deliver(room, msg.to, () => out).length) throw new Refusal('unreachable', `signal: ${msg.to} is not connected`);
        return;
      }
      default:
        throw new Refusal('malformed', `unknown message type "${String(msg.type).slice(0, 32)}"`);
    }
  }

  /** `invitation`: the secret, from the customer's page to one agent it chose; relayed, never stored. */
  function sendInvitation(/** @type {Record<string, unknown>} */ msg) {
    if (party.role !== 'customer') throw new Refusal('forbidden', 'invitation: only the customer hands out the invitation');
    const share = room.share;
    if (!share) throw new Refusal('conflict', 'invitation: no active co-browse session (`accept` first)');
    const inv = /** @type {Record<string, unknown> | null} */ (
      msg.invitation && typeof msg.invitation === 'object' ? msg.invitation : null
    );
    if (typeof msg.to !== 'string' || !inv || typeof inv.peer !== 'string' || typeof inv.secret !== 'string' || !SECRET.test(inv.secret)) {
      throw new Refusal('malformed', 'invitation: `to` a peer id and `invitation` { peer, secret } with secret base64url of 16–64 bytes');
    }
    sharerPeer(inv.peer, 'invitation: `invitation.peer`');
    const target = store.peer(msg.to);
    if (!target || target.room !== room.id || target.role !== 'agent')
      throw new Refusal('forbidden', `invitation: ${msg.to.slice(0, 32)} is not an agent of this room`);
    const at = Date.now();
    const delivered = store.deliver(room, msg.to, (to) => ({
      type: 'invitation',
      invitation: { peer: inv.peer, secret: inv.secret },
      from: party,
      at,
      ...(ice && iceGrant(ice, to.peer, 'iceServers')),
    }));
    if (!delivered.length) throw new Refusal('unreachable', `invitation: ${msg.to.slice(0, 32)} is not connected`);
    // the customer's page that answers is the page the customer is on now (a resumed page has a new
    // peer id): the share names it, so the next welcome.share points a late agent at the current page
    share.peer = inv.peer;
    share.sharers.add(inv.peer);
    share.viewers.add(msg.to);
    store.save(room);
    audit?.record(room.id, 'cobrowse.invitation-sent', { by: party, to: delivered[0], session: Number(share.id), sharer: inv.peer }, at);
  }

  /** `request-invitation`: a late agent asks; the customer's page decides (and approves the viewer after the handshake). */
  function requestInvitation() {
    if (party.role !== 'agent') throw new Refusal('forbidden', 'request-invitation: agents ask, the customer decides');
    if (!room.share) throw new Refusal('conflict', 'request-invitation: no active co-browse session: `invite` instead');
    const at = Date.now();
    const out = { type: 'request-invitation', from: party, at };
    if (!store.toRole(room, 'customer', out)) throw new Refusal('unreachable', 'request-invitation: the customer is not connected');
    audit?.record(room.id, 'cobrowse.invitation-requested', { by: party, session: Number(room.share.id) }, at);
  }

  /**
   * `share-moved`: the customer's next page resumed the share (it has a new peer id). The share names
   * it from now on, so an agent joining later dials the page the customer is on, not the one left.
   */
  function shareMoved(/** @type {Record<string, unknown>} */ msg) {
    if (party.role !== 'customer') throw new Refusal('forbidden', "share-moved: only the customer's page says where it is");
    const share = room.share;
    if (!share) throw new Refusal('conflict', 'share-moved: no active co-browse session');
    const inv = /** @type {Record<string, unknown> | null} */ (
      msg.invitation && typeof msg.invitation === 'object' ? msg.invitation : null
    );
    if (!inv || typeof inv.peer !== 'string')
      throw new Refusal('malformed', "share-moved: `invitation` must be { peer }: the page's peer id");
    sharerPeer(inv.peer, 'share-moved: `invitation.peer`');
    if (share.peer === inv.peer) return;
    share.peer = inv.peer;
    share.sharers.add(inv.peer);
    store.save(room);
    audit?.record(room.id, 'cobrowse.share-moved', { by: party, session: Number(share.id), sharer: inv.peer }, Date.now());
  }

  /** Refuses a sharer peer id that the server did not issue to the customer of this room. */
  function sharerPeer(/** @type {string} */ id, /** @type {string} */ what) {
    const owner = store.peer(id);
    if (!owner || owner.room !== room.id || owner.role !== 'customer') {
      throw new Refusal('forbidden', `${what} must be a peer id the server issued to the customer of this room`);
    }
  }
}

/**
 * Fresh STUN/TURN servers for `peer`, with when they expire: `{ iceServers, expiresAt }`, or with
 * `key` 'iceServers' as `{ iceServers, iceServersExpireAt }` (the fields of a welcome or invitation).
 * @param {NonNullable<ReturnType<import('./turn.mjs').createIceServers>>} ice @param {string} peer
 * @param {'iceServers'} [key]
 */
function iceGrant(ice, peer, key) {
  const now = Date.now();
  const iceServers = ice.iceServers(peer, now);
  return key ? { iceServers, iceServersExpireAt: ice.expiresAt(now) } : { iceServers, expiresAt: ice.expiresAt(now) };
}

/** The identity provider's claims an agent's chat token carries (JWT agents), for the audit log. */
function identityClaims(/** @type {import('./tokens.mjs').Claims} */ claims) {
  return claims.sub ? { sub: claims.sub, iss: claims.iss ?? null, via: claims.via ?? 'jwt' } : {};
}

/** @param {import('./tokens.mjs').Claims} claims */
function identityOf(claims) {
  return { sub: claims.sub, name: claims.name, iss: claims.iss ?? null, via: claims.via ?? 'jwt' };
}

/**
 * The peer id a reconnecting participant keeps: the one named in the peer token of its previous
 * connection, when that token is valid, is this participant's (room, role, name, identity) and the id
 * is still issued in the room. Keeping it keeps the sharer's address (viewers dial it, the share names
 * it) and the name others see for it. Null: a fresh id.
 * @param {Room} room @param {import('./tokens.mjs').Claims} claims
 * @param {import('./tokens.mjs').Claims | null} previous  the verified peer token's claims
 * @param {{ peer(id: string): { room: string, role: string } | null }} store
 */
function resumedPeer(room, claims, previous, store) {
  if (!previous || typeof previous.peer !== 'string') return null;
  if (
    previous.room !== room.id ||
    previous.role !== claims.role ||
    previous.name !== claims.name ||
    (previous.sub ?? null) !== (claims.sub ?? null)
  )
    return null;
  const issued = store.peer(previous.peer);
  return issued && issued.room === room.id && issued.role === claims.role ? previous.peer : null;
}

/**
 * The room's pending co-browse request, unless it is older than `inviteTtlMs` (its expiry timer ran
 * in a process that is gone): then none.
 * @param {Room} room @param {{ inviteTtlMs: number }} limits
 */
function pendingInvite(room, limits) {
  return room.invite && Date.now() - room.invite.at < limits.inviteTtlMs ? room.invite : null;
}

/** What a (re)joining client needs to know about co-browsing in this room. */
export function shareState(/** @type {Room} */ room, limits = DEFAULT_LIMITS) {
  // never the secret: a late joiner asks the customer's page for it (`request-invitation`)
  if (room.share) return { state: 'active', invitation: { peer: room.share.peer }, invitedBy: room.share.invitedBy, at: room.share.at };
  const invite = pendingInvite(room, limits);
  if (invite) return { state: 'pending', by: invite.by, from: invite.from, at: invite.at };
  return { state: 'idle' };
}
