// @ts-check
// The HTTP API: a customer creates a room (and gets its chat token); an agent, authenticated by the
// site's identity provider (a JWT) or in development by the shared agent key, lists the rooms it may
// serve and gets a chat token for one of them. Bearer auth, no cookies, so CORS can be open.
import express from 'express';
import { shareState } from './chat-socket.mjs';

const QUEUE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * @param {object} ctx
 * @param {import('./rooms.mjs').RoomStore} ctx.store
 * @param {ReturnType<import('./tokens.mjs').createTokens>} ctx.tokens
 * @param {typeof import('./limits.mjs').DEFAULT_LIMITS} ctx.limits
 * @param {ReturnType<import('./agent-auth.mjs').createAgentAuth>} ctx.agents
 * @param {{ customer: number, agent: number }} ctx.ttl  chat token lifetimes, ms
 * @param {string} ctx.corsOrigin
 * @param {ReturnType<import('./turn.mjs').createIceServers>} [ctx.ice]  STUN/TURN servers, when configured
 * @param {import('./store/audit-store.mjs').AuditStore | null} [ctx.audit]  the audit log, when kept
 * @param {(line: string) => void} [ctx.log]
 */
export function createApi({ store, tokens, limits, agents, ttl, corsOrigin, ice, audit = null, log = () => {} }) {
  const api = express.Router();

  /** @param {string} room @param {string} name */
  const customerToken = (room, name) => tokens.sign('chat', { room, role: 'customer', name }, ttl.customer);
  /**
   * An agent's chat token; with a verified identity it carries `sub`/`iss`/`via` for the audit log.
   * @param {string} room @param {string} name @param {import('./agent-auth.mjs').AgentIdentity} [who]
   */
  const agentToken = (room, name, who) =>
    tokens.sign('chat', { room, role: 'agent', name, ...(who && { sub: who.sub, iss: who.iss, via: who.via }) }, ttl.agent);

  api.use((req, res, next) => {
    res.set({
      'access-control-allow-origin': corsOrigin,
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'cache-control': 'no-store',
    });
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  });
  api.use(express.json({ limit: '4kb' }));

  /**
   * Verifies the agent's bearer (JWT, or the development key); the identity goes to `res.locals.agent`.
   * @type {import('express').RequestHandler}
   */
  const agentOnly = (req, res, next) => {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const keyName = cleanName(req.body?.name ?? req.query.name, 'Agent') ?? 'Agent';
    agents.verify(bearer, keyName).then((check) => {
      if (!check.ok) {
        if (bearer) log(`api: agent credential refused (${check.reason}) from ${req.socket.remoteAddress ?? ''}`);
        const code = check.status === 503 ? 'unavailable' : 'unauthorized';
        return void res
          .status(check.status)
          .json({ code, message: `agent endpoints need \`Authorization: Bearer <agent JWT>\`: ${check.reason}` });
      }
      res.locals.agent = check.identity;
      next();
    }, next);
  };

  api.post('/rooms', async (req, res) => {
    const ip = req.socket.remoteAddress ?? '';
    // per client address, across every process (with Redis the bucket lives there)
    if (!(await store.take(`rooms:${ip}`, limits.roomBurst, 1000 / limits.roomEveryMs)))
      return void res.status(429).json({ code: 'rate-limited', message: 'too many rooms created from this address: wait a few seconds' });
    const name = cleanName(req.body?.name, 'Customer');
    if (name === null) return void res.status(400).json({ code: 'malformed', message: '`name` must be a string of 1–64 characters' });
    const queue = req.body?.queue ?? 'default';
    if (typeof queue !== 'string' || !QUEUE.test(queue))
      return void res.status(400).json({ code: 'malformed', message: '`queue` must be 1–64 of A-Z a-z 0-9 _ . -' });
    const room = await store.create(name, queue);
    if (!room) return void res.status(503).json({ code: 'unavailable', message: 'the server has too many rooms' });
    audit?.record(room.id, 'room.created', { customerName: name, queue, address: ip }, room.createdAt);

    // no TURN credentials here: those are for the participants of an accepted share only
    res.status(201).json({ room: room.id, token: customerToken(room.id, name), expiresAt: Date.now() + ttl.customer });
  });

  // only the rooms this agent's claims allow, and no tokens: one is fetched per room (below)
  api.get('/rooms', agentOnly, async (_req, res) => {
    /** @type {import('./agent-auth.mjs').AgentIdentity} */
    const who = res.locals.agent;
    res.json(
      (await store.list())
        .filter((room) => agents.allows(who, room))
        .map((room) => ({
          room: room.id,
          customerName: room.customerName,
          queue: room.queue,
          createdAt: room.createdAt,
          online: store.participants(room).map((p) => ({ role: p.role, name: p.name })),
          share: shareState(room, limits).state,
          lastText: lastText(room),
        })),
    );
  });

  api.post('/rooms/:room/agent-token', agentOnly, async (req, res) => {
    /** @type {import('./agent-auth.mjs').AgentIdentity} */
    const who = res.locals.agent;
    const room = await store.load(req.params.room);
    if (!room) return void res.status(404).json({ code: 'not-found', message: 'no such room' });
    if (!agents.allows(who, room))
      return void res.status(403).json({ code: 'forbidden', message: 'your token does not allow this room (its rooms/queues claims)' });
    // a JWT's name is the identity provider's; only the development key lets the caller pick one
    const name = who.via === 'jwt' ? who.name : cleanName(req.body?.name, 'Agent');
    if (name === null) return void res.status(400).json({ code: 'malformed', message: '`name` must be a string of 1–64 characters' });
    const at = Date.now();
    audit?.record(
      room.id,
      'agent.token-issued',
      { agent: { sub: who.sub, name, iss: who.iss, via: who.via }, address: req.socket.remoteAddress ?? '' },
      at,
    );
    res.json({ room: room.id, token: agentToken(room.id, name, who), expiresAt: at + ttl.agent });
  });

  // fresh TURN credentials, only for a participant of the room's accepted share: the customer's
  // pages, and the agents the customer sent the invitation to. Bearer: the welcome's peer token.
  api.get('/ice-servers', async (req, res) => {
    const claims = tokens.verify('peer', /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? null);
    const room = claims && (await store.load(claims.room));
    const issued = claims?.peer ? store.peer(claims.peer) : null;
    if (!claims || !room || !issued || issued.room !== room.id) {
      return void res.status(401).json({
        code: 'unauthorized',
        message: "needs `Authorization: Bearer <peer token>` (the chat welcome's `peer.token`) of an existing room",
      });
    }
    if (!ice) return void res.status(404).json({ code: 'not-found', message: 'this server has no STUN/TURN servers configured' });
    const share = room.share;
    const inShare = share && (claims.role === 'customer' || share.viewers.has(/** @type {string} */ (claims.peer)));
    if (!inShare)
      return void res
        .status(403)
        .json({ code: 'forbidden', message: 'TURN credentials are for the participants of an accepted co-browse session' });
    const now = Date.now();
    res.json({ iceServers: ice.iceServers(/** @type {string} */ (claims.peer), now), expiresAt: ice.expiresAt(now) });
  });

  api.use((req, res) => void res.status(404).json({ code: 'not-found', message: `no ${req.method} ${req.path}` }));
  // express.json's errors (bad JSON, body over 4 KB) as our JSON errors
  api.use(
    (
      /** @type {{ status?: number, type?: string }} */ err,
      /** @type {import('express').Request} */ _req,
      /** @type {import('express').Response} */ res,
      /** @type {() => void} */ _next,
    ) => {
      if (err.type === 'entity.too.large') return void res.status(413).json({ code: 'too-large', message: 'request body over 4 KB' });
      res.status(err.status && err.status < 500 ? err.status : 400).json({ code: 'malformed', message: 'request body is not valid JSON' });
    },
  );

  return { api, customerToken, agentToken };
}

/** A display name: trimmed, 1–64 characters, control characters removed; `fallback` when absent, null when invalid. */
function cleanName(/** @type {unknown} */ value, /** @type {string} */ fallback) {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const name = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return name.length >= 1 && name.length <= 64 ? name : null;
}

/**
 * When the room's last chat text was sent, and by which role, for an agent's unread markers; null
 * when there is none, or when its history is not in this process (a Redis room no one here serves).
 * @param {import('./rooms.mjs').Room} room
 */
function lastText(room) {
  for (let i = room.history.length - 1; i >= 0; i--) {
    const e = /** @type {{ type?: string, at?: number, from?: { role?: string } }} */ (room.history[i]);
    if (e.type === 'text') return { at: e.at, role: e.from?.role };
  }
  return null;
}
