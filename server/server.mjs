// @ts-check
// The reference signaling server: chat rooms over WebSocket (/chat), a small HTTP API (/api), and the
// PeerJS relay (/peerjs) for SDP and ICE, all on one HTTP server. Protocol: server/PROTOCOL.md.
//
// In-process: `const s = await startSignalingServer({ port: 0 }); ... await s.close();`
// From the command line (its environment variables are listed there): bin.mjs.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import { createTokens } from './tokens.mjs';
import { createRoomStore } from './rooms.mjs';
import { CLOSE, DEFAULT_LIMITS } from './limits.mjs';
import { createApi } from './http-api.mjs';
import { acceptChatSocket } from './chat-socket.mjs';
import { mountPeerServer } from './peer-gate.mjs';
import { createIceServers } from './turn.mjs';
import { createAgentAuth } from './agent-auth.mjs';
import { openStore } from './store/index.mjs';
import { createAuditApi } from './store/audit-api.mjs';
import { mountHome } from './home.mjs';

// the options a program that starts the server reads from its environment, as bin.mjs does
export { turnOptionsFromEnv } from './turn.mjs';
export { agentJwtOptionsFromEnv } from './agent-auth.mjs';
export { auditOptionsFromEnv } from './store/index.mjs';

const HOUR = 3600_000;

/**
 * @typedef {object} SignalingServerOptions
 * @property {number} [port]             default 0 (any free port)
 * @property {string} [host]             default 127.0.0.1
 * @property {string} [secret]           HMAC secret for tokens; default random per process
 * @property {import('./agent-auth.mjs').AgentJwtOptions} [agentJwt]  how agents prove who they are: JWTs
 *   of the site's identity provider (HS256 secret, or RS256/ES256 from a JWKS URL); see PROTOCOL.md
 * @property {string} [agentKey]         DEVELOPMENT ONLY: one shared bearer key that makes its holder an
 *   agent of every room. Default: random (see `.agentKey`) without `agentJwt`, none with it
 * @property {string} [peerKey]          the PeerJS `key`; default 'peerjs'
 * @property {Partial<typeof DEFAULT_LIMITS>} [limits]
 * @property {{ customer?: number, agent?: number, peer?: number }} [ttl]  token lifetimes, ms
 * @property {number} [roomIdleMs]       rooms empty this long are deleted; default 24 h
 * @property {number} [pingMs]           ping interval; a socket silent for two is dropped; default 30 s
 * @property {string} [corsOrigin]       for /api; default '*'
 * @property {(line: string) => void} [log]  default console.log; `() => {}` for silence
 * @property {import('./turn.mjs').TurnOptions} [turn]  STUN/TURN servers handed to participants, with
 *   ephemeral TURN credentials (coturn `use-auth-secret`); `ttl` in seconds. Default: none
 * @property {import('./store/index.mjs').AuditOptions} [audit]  keep chat transcripts and the audit log
 *   in an encrypted database file (server/STORE.md). Default: nothing is kept beyond memory
 * @property {string} [adminKey]         bearer key of `GET /api/audit` (with `audit`); default: no endpoint
 * @property {string} [redis]            a Redis URL: rooms, presence and share state live there and chat
 *   events and the PeerJS relay go between processes by pub/sub, so N processes (sharing `secret`) serve
 *   the same rooms and survive restarts (PROTOCOL.md, "Running N processes"). Default: one process, in memory
 */

/** @param {SignalingServerOptions} [options] */
export async function startSignalingServer(options = {}) {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? ((line) => console.log(`[signaling] ${line}`));
  const agentKey = options.agentKey ?? (options.agentJwt ? null : randomBytes(18).toString('base64url'));
  const agents = createAgentAuth({ agentKey, jwt: options.agentJwt }); // throws on a bad configuration
  const peerKey = options.peerKey ?? 'peerjs';
  const ttl = { customer: 24 * HOUR, agent: 12 * HOUR, peer: 12 * HOUR, ...options.ttl };
  const tokens = createTokens(options.secret ?? randomBytes(32));
  const roomIdleMs = options.roomIdleMs ?? 24 * HOUR;
  /** @type {import('./rooms.mjs').RoomStore} */
  const store = options.redis
    ? await (await import('./redis-rooms.mjs')).createRedisRoomStore({ url: options.redis, limits, roomIdleMs, log })
    : createRoomStore(limits);
  const ice = createIceServers(options.turn); // null without `turn`; throws on a bad configuration
  const audit = options.audit ? await openStore({ ...options.audit, log }) : null; // throws on a wrong key

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const { api, customerToken, agentToken } = createApi({
    store,
    tokens,
    limits,
    agents,
    ttl,
    corsOrigin: options.corsOrigin ?? '*',
    ice,
    audit,
    log,
  });
  if (audit && options.adminKey) app.use('/api/audit', createAuditApi({ audit, adminKey: options.adminKey }));
  app.use('/api', api);
  mountHome(app, { store: options.redis ? 'redis' : 'memory', audit: !!audit, turn: !!ice });
  const peer = mountPeerServer({ httpServer, app, mount: '/peerjs', key: peerKey, store, tokens, limits, log, audit });
  const chatWss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });

  httpServer.on('upgrade', (req, socket, head) => {
    // A listener that stays on the socket must not close over this scope: its context would keep
    // `req` (headers, the token-bearing URL) and `url` alive as long as the socket, ~1 KB each.
    socket.on('error', destroySocket);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/chat') {
      const address = req.socket.remoteAddress ?? '';
      chatWss.handleUpgrade(req, socket, head, (ws) => {
        // with Redis a lookup can fail: that socket is closed, the process goes on
        onChat(ws, url, address).catch((/** @type {Error} */ err) => {
          log(`chat: ${err.message}`);
          ws.terminate();
        });
      });
    } else if (url.pathname === peer.wsPath) {
      peer.handleUpgrade(req, socket, head, url);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
    }
  });

  /** @param {Error} err */
  const logChatSocketError = (err) => log(`chat socket: ${err.message}`);

  /** @param {import('ws').WebSocket} ws @param {URL} url @param {string} address */
  async function onChat(ws, url, address) {
    ws.on('error', logChatSocketError);
    // Refused after the upgrade, not with an HTTP status: a browser's WebSocket cannot read the status.
    const token = url.searchParams.get('token');
    const roomId = url.searchParams.get('room');
    const claims = tokens.verify('chat', token) ?? (roomId ? await jwtChatClaims(token, roomId, address) : null);
    if (ws.readyState !== WebSocket.OPEN) return; // gone while the identity provider's keys were fetched
    const room = claims && (await store.load(claims.room));
    if (ws.readyState !== WebSocket.OPEN) return;
    if (!claims || !room) {
      ws.send(
        JSON.stringify({
          type: 'error',
          code: 'unauthorized',
          message: claims ? 'this room no longer exists' : 'invalid or expired token',
        }),
      );
      ws.close(CLOSE.unauthorized, 'unauthorized');
      return;
    }
    await acceptChatSocket({
      ws,
      room,
      claims,
      store,
      tokens,
      limits,
      peerTtlMs: ttl.peer,
      log,
      ice,
      audit,
      address,
      resume: url.searchParams.get('resume'),
    });
  }

  /**
   * `/chat?room=R&token=<agent JWT>`: an agent may join with its identity provider's token directly,
   * for a room its claims allow. Null when refused (the reason is logged).
   * @param {string | null} token @param {string} roomId @param {string} address
   * @returns {Promise<import('./tokens.mjs').Claims | null>}
   */
  async function jwtChatClaims(token, roomId, address) {
    const check = await agents.verify(token);
    // the development key is a bearer for the API, never a URL parameter
    if (!check.ok || check.identity.via !== 'jwt') {
      if (token) log(`chat: agent JWT refused (${check.ok ? 'not a JWT' : check.reason}) from ${address}`);
      return null;
    }
    const room = await store.load(roomId);
    if (!room || !agents.allows(check.identity, room)) return null;
    const { sub, iss, name } = check.identity;
    return { room: room.id, role: 'agent', name, sub, iss, via: 'jwt', exp: Date.now() + ttl.agent };
  }

  // Dead TCP connections (a laptop lid closed) are found by ping/pong, on both socket kinds.
  const awaiting = new WeakSet();
  const watched = new WeakSet();
  const pinger = setInterval(() => {
    for (const wss of [chatWss, peer.wss]) {
      for (const ws of wss.clients) {
        if (awaiting.has(ws)) {
          ws.terminate();
          continue;
        }
        if (!watched.has(ws)) {
          watched.add(ws);
          ws.on('pong', () => awaiting.delete(ws));
        }
        awaiting.add(ws);
        ws.ping();
      }
    }
  }, options.pingMs ?? 30_000);
  const sweeper = setInterval(() => store.sweep(roomIdleMs), 60_000);
  pinger.unref();
  sweeper.unref();

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined));
  }).catch(async (err) => {
    clearInterval(pinger);
    clearInterval(sweeper);
    peer.stop();
    await audit?.close();
    await store.close();
    throw err;
  });
  const address = /** @type {import('node:net').AddressInfo} */ (httpServer.address());
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    /** The development agent key, or null (agents then need a JWT). */
    agentKey,
    peerKey,
    store,
    /** The encrypted transcript and audit store (`audit` option), or null. */
    audit,
    /** Creates a room without HTTP (for an embedding server): `{ room, token }` of the customer. */
    createRoom(name = 'Customer', queue = 'default') {
      const made = (/** @type {import('./rooms.mjs').Room | null} */ room) => {
        if (!room) throw new Error('too many rooms');
        audit?.record(room.id, 'room.created', { customerName: name, queue, address: null }, room.createdAt);
        return { room: room.id, token: customerToken(room.id, name) };
      };
      // in memory at once; with Redis a promise (the room is stored before its token is handed out)
      const room = store.create(name, queue);
      return room instanceof Promise ? room.then(made) : made(room);
    },
    /** An agent chat token for `room`, without HTTP. */
    agentToken(/** @type {string} */ room, name = 'Agent') {
      return agentToken(room, name);
    },
    /** Closes every socket and the HTTP server; resolves when it has stopped. */
    async close() {
      clearInterval(pinger);
      clearInterval(sweeper);
      peer.stop();
      // the chat sockets' close handlers record who left: let them run before the store closes
      const left = [...chatWss.clients].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
      for (const wss of [chatWss, peer.wss]) for (const ws of wss.clients) ws.terminate();
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(() => resolve(undefined)));
      await Promise.all(left);
      await audit?.close();
      await store.close();
    },
  };
}

/**
 * The banner for a server whose agents get in with the shared development key.
 * @param {string | null} key @param {boolean} generated
 */
export function devKeyWarning(key, generated) {
  const bar = '!'.repeat(78);
  return [
    bar,
    '!! DEVELOPMENT MODE: agents authenticate with ONE SHARED KEY (AGENT_KEY).',
    '!! Whoever holds it is an agent of EVERY room and can ask every customer to share their page.',
    '!! In production set AGENT_JWT_SECRET or AGENT_JWKS_URL (+ AGENT_JWT_ISSUER, AGENT_JWT_AUDIENCE):',
    '!! agents then sign in with your identity provider (server/PROTOCOL.md, "Agents").',
    generated ? `!! Generated development key for this run: ${key}` : '!! AGENT_KEY is taken from the environment.',
    bar,
  ].join('\n');
}

/** @this {import('node:stream').Duplex} */
function destroySocket() {
  this.destroy();
}
