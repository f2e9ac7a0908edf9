// @ts-check
// The PeerJS server (peer@1.0.2) with the two things it lacks: authentication and input checking.
// PeerJS never sees a raw socket. We complete the upgrade ourselves, check the server-issued
// (id, token) pair, and hand PeerJS a stand-in socket that only emits frames we have parsed,
// validated and re-serialized: a non-JSON frame (which makes PeerJS emit 'error' and, without a
// listener, kill the process) or an OFFER to a peer of another room never reaches it.
import { EventEmitter } from 'node:events';
import { createHook } from 'node:async_hooks';
import { ExpressPeerServer } from 'peer';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE, createSocketGuard, sendBounded } from './limits.mjs';

const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);
/** SDP and ICE payloads nest 2–3 levels; anything deeper than this is refused. */
const MAX_NESTING = 32;

/** The deepest nesting of objects and arrays in a JSON text, without recursion (strings skipped). */
export function nesting(/** @type {string} */ text) {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return max;
}

/** What PeerJS is given instead of the ws socket: send/close go through, messages only once checked. */
class GatedSocket extends EventEmitter {
  /** @param {WebSocket} ws @param {{ maxBufferedBytes: number }} limits @param {(line: string) => void} log */
  constructor(ws, limits, log) {
    super();
    this.ws = ws;
    this.limits = limits;
    this.log = log;
  }
  get readyState() {
    return this.ws.readyState;
  }
  /** @param {string} data */
  send(data) {
    sendBounded(this.ws, data, this.limits, this.log, 'peerjs socket');
  }
  close() {
    this.ws.close();
  }
}

/**
 * @param {object} ctx
 * @param {import('node:http').Server} ctx.httpServer
 * @param {import('express').Express} ctx.app
 * @param {string} ctx.mount  e.g. '/peerjs': HTTP routes there, WebSocket at `${mount}/peerjs`
 * @param {string} ctx.key    the PeerJS key clients must pass
 * @param {import('./rooms.mjs').RoomStore} ctx.store
 * @param {ReturnType<import('./tokens.mjs').createTokens>} ctx.tokens
 * @param {typeof import('./limits.mjs').DEFAULT_LIMITS} ctx.limits
 * @param {(line: string) => void} ctx.log
 * @param {import('./store/audit-store.mjs').AuditStore | null} [ctx.audit]  records who started viewing whom
 */
export function mountPeerServer({ httpServer, app, mount, key, store, tokens, limits, log, audit = null }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  const timers = trackTimers();
  const relay = store.peerjs ? createRelay(store.peerjs, limits, log) : null;
  const peerApp = ExpressPeerServer(httpServer, {
    path: '/',
    key,
    // PeerJS calls this once, on mount; with noServer it never touches the HTTP upgrade itself
    createWebSocketServer: () => wss,
  });
  // Last line of defence: whatever still makes PeerJS emit 'error' is logged, never fatal.
  peerApp.on('error', (/** @type {Error} */ err) => log(`peerjs: error ${err.message}`));
  timers.during(() => app.use(mount, peerApp));

  const logSocketError = (/** @type {Error} */ err) => log(`peerjs socket: ${err.message}`);
  /** @param {WebSocket} ws @param {string} code @param {string} msg @param {object} [extra] */
  const error = (ws, code, msg, extra) => {
    sendBounded(ws, JSON.stringify({ type: 'ERROR', payload: { code, msg, ...extra } }), limits, log, 'peerjs socket');
  };

  return {
    wsPath: `${mount}/peerjs`,
    wss,

    /** @param {import('node:http').IncomingMessage} req @param {import('node:stream').Duplex} socket @param {Buffer} head @param {URL} url */
    handleUpgrade(req, socket, head, url) {
      const query = { id: url.searchParams.get('id') ?? '', token: url.searchParams.get('token'), key: url.searchParams.get('key') };
      const address = req.socket.remoteAddress ?? '';
      wss.handleUpgrade(req, socket, head, (ws) => {
        accept(ws, query, address).then(
          (gated) => {
            if (gated && ws.readyState === WebSocket.OPEN) wss.emit('connection', gated, req);
          },
          (/** @type {Error} */ err) => {
            log(`peerjs: ${err.message}`); // a failed lookup (Redis): this socket only
            ws.terminate();
          },
        );
      });
    },

    /** Stops PeerJS's own timers, which it never stops itself. */
    stop() {
      timers.clear();
    },
  };

  /**
   * One PeerJS socket: checked, then gated. Everything that lives as long as the socket is created
   * here, out of `handleUpgrade`'s scope: a closure there would keep the whole upgrade request
   * (headers, the token-bearing URL) in memory for the socket's lifetime.
   * @param {WebSocket} ws
   * @param {{ id: string, token: string | null, key: string | null }} query
   * @param {string} address
   * @returns {Promise<GatedSocket | null>} what PeerJS gets for an admitted socket
   */
  async function accept(ws, { id, token, key: givenKey }, address) {
    ws.on('error', logSocketError);
    const claims = tokens.verify('peer', token);
    // with Redis the room may be served by other processes only: fetched, and kept current while this socket lives
    const room = claims && (await store.load(claims.room));
    if (ws.readyState !== WebSocket.OPEN) return null; // gone while the room was fetched
    const issued = room && store.peer(id);
    if (givenKey !== key) {
      error(ws, 'unauthorized', 'Invalid key provided');
      ws.close(CLOSE.unauthorized, 'invalid key');
      return null;
    }
    if (!claims || claims.peer !== id || !issued || issued.room !== claims.room) {
      error(ws, 'unauthorized', 'Invalid token provided: connect with the peer id and token from the chat welcome');
      ws.close(CLOSE.unauthorized, 'invalid token');
      return null;
    }
    id = claims.peer; // equal, but the URL's is a slice that keeps the whole request URL in memory
    const peerId = id;
    store.hold(claims.room);
    // known in Redis before the client hears OPEN: a peer that dials it next, on another process, finds it
    await relay?.register(peerId, ws);
    if (ws.readyState !== WebSocket.OPEN) {
      store.release(claims.room);
      relay?.unregister(peerId, ws);
      return null;
    }
    const gated = new GatedSocket(ws, limits, log);
    /** @type {Set<string>} peers this socket has sent an OFFER to (one audit event per pair and socket) */
    const offered = new Set();
    const guard = createSocketGuard({ label: `peerjs ${claims.room} ${claims.role} ${id}`, limits, log });
    const refuse = (/** @type {string} */ code, /** @type {string} */ msg, /** @type {object} */ extra = {}) => {
      error(ws, code, msg, extra);
      if (guard.strike(code, msg)) ws.close(CLOSE.abuse, 'too many refused messages');
    };
    ws.on('close', () => {
      store.release(claims.room);
      relay?.unregister(peerId, ws);
      gated.emit('close');
    });
    /** @type {Promise<unknown>} frames to other processes leave in order (an OFFER before its CANDIDATEs) */
    let sending = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      const admitted = guard.admit();
      if (!admitted.ok) {
        if (admitted.limitedNow) error(ws, 'rate-limited', `more than ${limits.perSecond} messages a second: slow down`);
        if (guard.strike('rate-limited', 'flood')) ws.close(CLOSE.rateLimited, 'rate-limited');
        return;
      }
      const size = /** @type {Buffer} */ (data).length;
      if (isBinary) return refuse('malformed', 'binary frames are not part of the protocol');
      if (size > limits.maxSignalBytes) return refuse('too-large', `frame of ${size} bytes: the limit is ${limits.maxSignalBytes}`);
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return refuse('malformed', 'not JSON');
      }
      if (!msg || typeof msg !== 'object' || Array.isArray(msg) || typeof msg.type !== 'string') {
        return refuse('malformed', 'expected a JSON object with a string `type`');
      }
      // JSON.parse takes any depth, but re-serializing (ours, then PeerJS's) recurses: a deeply
      // nested payload would overflow the stack and take the process down
      if (nesting(data.toString()) > MAX_NESTING) return refuse('malformed', `nested more than ${MAX_NESTING} levels deep`);
      if (msg.type === 'HEARTBEAT') return gated.emit('message', '{"type":"HEARTBEAT"}');
      if (!RELAYED.has(msg.type)) return refuse('malformed', `clients may send HEARTBEAT, ${[...RELAYED].join(', ')}`);
      if (typeof msg.dst !== 'string') return refuse('malformed', `${msg.type} without a string \`dst\``);
      const target = store.peer(msg.dst);
      if (!target || target.room !== claims.room) {
        return refuse('forbidden', `${msg.dst} is not a peer of your room`, { dst: msg.dst });
      }
      if (audit && msg.type === 'OFFER' && !offered.has(msg.dst) && offered.size < 64) {
        // a viewer dials the sharer: "agent X started viewing session Y from address Z"
        offered.add(msg.dst);
        const share = store.get(claims.room)?.share;
        audit.record(claims.room, 'cobrowse.viewing', {
          viewer: { role: claims.role, name: claims.name, peer: id },
          sharer: { role: target.role, peer: msg.dst },
          // a later page of the customer has a new peer id: any sharer peer the customer's invitations named
          session: share && (share.peer === msg.dst || share.sharers.has(msg.dst)) ? Number(share.id) : null,
          address,
        });
      }
      const out = JSON.stringify({ type: msg.type, dst: msg.dst, payload: msg.payload });
      if (!relay || relay.isLocal(msg.dst)) return void gated.emit('message', out);
      // not connected here: to the process that holds it, else to PeerJS, which queues it for a while
      const remote = { type: msg.type, src: peerId, dst: msg.dst, payload: msg.payload };
      sending = sending
        .then(() => relay.send(remote))
        .then(
          (sent) => sent || gated.emit('message', out),
          (err) => log(`peerjs relay: ${err.message}`),
        );
    });
    return gated;
  }
}

/**
 * PeerJS starts two self-rearming timers on mount (message expiry, dead-socket sweep) and offers no
 * way to stop them: an embedding process could never exit. We follow the timers created while it
 * mounts, and the ones those create, to clear them on close.
 */
function trackTimers() {
  /** @type {Map<number, NodeJS.Timeout>} */
  const live = new Map();
  let mounting = false;
  const hook = createHook({
    init(asyncId, type, triggerAsyncId, resource) {
      if (type !== 'Timeout') return;
      if (mounting || live.has(triggerAsyncId)) {
        live.set(asyncId, /** @type {NodeJS.Timeout} */ (resource));
        /** @type {NodeJS.Timeout} */ (resource).unref();
      }
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  return {
    /** @param {() => void} fn */
    during(fn) {
      hook.enable();
      mounting = true;
      try {
        fn();
      } finally {
        mounting = false;
      }
    },
    clear() {
      for (const t of live.values()) clearTimeout(t);
      live.clear();
      hook.disable();
    },
  };
}

/**
 * The PeerJS relay between processes (Redis store): this process's PeerJS sockets by peer id, the
 * frames for them from other processes, and the way out for frames to peers connected elsewhere.
 * @param {{ onRelay: (fn: (msg: { type: string, src: string, dst: string, payload: unknown }) => void) => void, register: (peer: string) => Promise<void>, unregister: (peer: string) => Promise<void>, relay: (msg: { type: string, src: string, dst: string, payload: unknown }) => Promise<boolean> }} peerjs
 * @param {{ maxBufferedBytes: number }} limits @param {(line: string) => void} log
 */
function createRelay(peerjs, limits, log) {
  /** @type {Map<string, WebSocket>} */
  const local = new Map();
  // PeerJS forwards a frame as {type, src, dst, payload}: so do we
  peerjs.onRelay((msg) => {
    const ws = local.get(msg.dst);
    if (ws) sendBounded(ws, JSON.stringify(msg), limits, log, 'peerjs socket');
  });
  const fail = (/** @type {Error} */ err) => log(`peerjs relay: ${err.message}`);
  return {
    /** @param {string} peer @param {WebSocket} ws */
    register(peer, ws) {
      local.set(peer, ws);
      return peerjs.register(peer).catch(fail);
    },
    /** @param {string} peer @param {WebSocket} ws */
    unregister(peer, ws) {
      if (local.get(peer) !== ws) return; // a newer socket of the same id
      local.delete(peer);
      peerjs.unregister(peer).catch(fail);
    },
    isLocal: (/** @type {string} */ peer) => local.has(peer),
    send: (/** @type {{ type: string, src: string, dst: string, payload: unknown }} */ msg) => peerjs.relay(msg),
  };
}
